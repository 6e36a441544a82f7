import { describe, expect, it } from 'vitest';
import { classificationMetrics } from './classification-metrics.js';
import { evaluateGates } from './gates.js';
import { regressionMetrics } from './regression-metrics.js';
import { renderEvaluationHtml, type EvaluationReport } from './report-html.js';
import { sliceMetrics } from './slices.js';

const VOID = new Set(['meta', 'br', 'hr', 'img', 'input', 'link']);

/**
 * Checks that every tag is closed in order (void and `/>` tags aside) and that no `<` stands
 * outside a tag, which is what unescaped text would produce. Returns the tag names seen.
 */
function checkWellFormed(html: string): string[] {
  const body = html.replace(/^<!doctype html>\s*/i, '');
  const stack: string[] = [];
  const names: string[] = [];
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z][a-zA-Z0-9:-]*(?:="[^"<>]*")?)*)\s*(\/?)>/y;
  for (let i = 0; i < body.length; ) {
    if (body[i] !== '<') {
      i++;
      continue;
    }
    tag.lastIndex = i;
    const m = tag.exec(body);
    if (!m) throw new Error(`stray "<" at ${i}: ${body.slice(i, i + 40)}`);
    const [, closing, name, , selfClosing] = m;
    names.push(name!);
    if (closing) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}> at ${i}`);
    } else if (!selfClosing && !VOID.has(name!)) stack.push(name!);
    i = tag.lastIndex;
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(', ')}`);
  return names;
}

function classificationReport(): EvaluationReport {
  const yTrue = Int32Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const probabilities = Float64Array.from({ length: 400 }, (_, j) => {
    const i = j >> 1;
    const p = Math.min(1, Math.max(0, (i % 3 === 0 ? 0.6 : 0.3) + ((i * 37) % 17) / 40 - 0.2));
    return j % 2 ? p : 1 - p;
  });
  const evaluation = classificationMetrics({ yTrue, probabilities, classes: ['stay', '<b>churn</b>'] });
  const segment = Array.from({ length: 200 }, (_, i) => (i % 4 === 0 ? '<script>alert(1)</script>' : i % 4 === 1 ? null : 'web'));
  return {
    title: 'Evaluation of churn & co',
    model: 'churn@<script>alert("x")</script>',
    data: 'data/eval.parquet',
    task: 'classification',
    evaluation,
    slices: sliceMetrics(segment, (rows) => ({ n: rows.length, share: rows.length / 200 })),
    sliceColumn: 'segment',
    champion: { model: 'churn@champion', metrics: { ...evaluation.metrics, roc_auc: 0.5, log_loss: 0.1 } },
    gates: evaluateGates(['auc >= champion.auc - 0.005', 'log_loss <= champion.log_loss'], { current: evaluation.metrics, champion: { roc_auc: 0.5, log_loss: 0.1 } }),
  };
}

describe('renderEvaluationHtml', () => {
  it('renders a well-formed, self-contained classification report with every section', () => {
    const report = classificationReport();
    const html = renderEvaluationHtml(report);
    const tags = checkWellFormed(html);
    expect(tags.filter((t) => t === 'svg')).toHaveLength(2 * 4); // confusion, ROC, PR, calibration (open + close)
    expect(tags).not.toContain('script');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<(link|img|iframe)\b/);
    for (const heading of ['Metrics', 'Gates', 'Classification', 'Per class', 'Slices by segment']) expect(html).toContain(`>${heading}</h`);
    expect(html).toContain('ROC curve');
    expect(html).toContain('Precision-recall curve');
    expect(html).toContain('Calibration');
    expect(html).toContain('Confusion matrix');
  });

  it('escapes model names, class labels and slice values', () => {
    const html = renderEvaluationHtml(classificationReport());
    expect(html).not.toContain('<script>');
    expect(html).toContain('churn@&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;churn&lt;/b&gt;');
    expect(html).toContain('Evaluation of churn &amp; co');
  });

  it('shows the champion column with deltas and the gate verdicts with both values', () => {
    const report = classificationReport();
    const html = renderEvaluationHtml(report);
    const aucRow = /<tr><td>roc_auc<\/td>(.*?)<\/tr>/.exec(html)![1]!;
    const auc = report.evaluation.metrics.roc_auc!;
    expect(aucRow).toContain(`>${String(Number(auc.toPrecision(6)))}<`);
    expect(aucRow).toContain('>0.5<');
    expect(aucRow).toMatch(/class="num better">\+0\.\d+</);
    const lossRow = /<tr><td>log_loss<\/td>(.*?)<\/tr>/.exec(html)![1]!;
    expect(lossRow).toContain('class="num worse">+');
    expect(html).toContain('1 of 2 gates failed');
    expect(html.match(/class="pass">PASS</g)).toHaveLength(1);
    expect(html.match(/class="fail">FAIL</g)).toHaveLength(1);
  });

  it('renders a regression report with a residual plot and no classification charts', () => {
    const yTrue = Float64Array.from({ length: 5000 }, (_, i) => Math.sin(i) * 10 + i / 100);
    const yPred = Float64Array.from(yTrue, (v, i) => v + Math.cos(i * 7));
    const html = renderEvaluationHtml({ title: 'Fare model', model: 'fare@1', data: 'fares.csv', task: 'regression', evaluation: regressionMetrics({ yTrue, yPred }) });
    const tags = checkWellFormed(html);
    expect(tags.filter((t) => t === 'svg')).toHaveLength(2);
    expect(tags.filter((t) => t === 'circle')).toHaveLength(2000);
    expect(html).toContain('Residuals (2000 of 5000 rows)');
    expect(html).not.toContain('Confusion matrix');
    expect(html).not.toMatch(/https?:\/\//);
    for (const m of ['rmse', 'mae', 'r2']) expect(html).toContain(`<td>${m}</td>`);
  });

  it('rejects a report whose task does not match its evaluation', () => {
    const evaluation = regressionMetrics({ yTrue: Float64Array.from([1, 2]), yPred: Float64Array.from([1, 2]) });
    expect(() => renderEvaluationHtml({ title: 't', model: 'm', data: 'd', task: 'classification', evaluation })).toThrow(/classification task but the evaluation is a regression/);
  });
});
