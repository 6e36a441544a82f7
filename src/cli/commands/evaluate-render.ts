import { writeFileAtomic } from '../../core/fs-atomic.js';
import { formatMetric, renderEvaluationHtml, type EvaluationResult, type GateResult } from '../../models/index.js';
import { formatTable, paint, type Output } from '../output.js';
import type { GateOutcome } from './evaluate-gates.js';

/** Everything `paddock evaluate` shows. */
export interface EvaluationView {
  readonly model: string;
  readonly data: string;
  readonly result: EvaluationResult;
  readonly champion?: { readonly model: string; readonly result: EvaluationResult };
  readonly gates: readonly GateOutcome[];
}

/** Metrics (beside the champion's), slices and each gate with both of its values. */
export function renderEvaluation(out: Output, view: EvaluationView, compare: string | undefined): void {
  const c = paint(out);
  const { result, champion } = view;
  out.line(`${view.model} on ${view.data}: ${result.task.kind}, ${result.rows} rows`);
  const names = Object.keys(result.metrics).filter((k) => k !== 'n');
  const rows = names.map((k) => {
    const mine = result.metrics[k]!;
    const theirs = champion?.result.metrics[k];
    return [k, formatMetric(mine), ...(champion ? [theirs === undefined ? '' : formatMetric(theirs), theirs === undefined ? '' : signed(mine - theirs)] : [])];
  });
  out.line(formatTable(['metric', 'value', ...(champion ? ['champion', 'delta'] : [])], rows));
  if (compare && !champion) out.line(c.yellow(`No model at ${compare} yet: gates on champion.* are skipped.`));
  for (const s of result.slices) {
    out.line(`\nBy ${s.column}:`);
    const keys = Object.keys(s.slices[0]?.metrics ?? {}).filter((k) => k !== 'n').slice(0, 4);
    out.line(formatTable([s.column, 'n', ...keys], s.slices.map((x) => [x.value, String(x.n), ...keys.map((k) => formatMetric(x.metrics[k] ?? Number.NaN))])));
  }
  if (view.gates.length > 0) out.line('\nGates:');
  for (const g of view.gates) {
    if (g.status === 'skipped') out.line(`  ${c.yellow('SKIP')}  ${g.expression}  (${g.reason})`);
    else out.line(`  ${g.status === 'passed' ? c.green('PASS') : c.red('FAIL')}  ${g.expression}  →  ${side(g.leftText, g.left!)} vs ${side(g.rightText, g.right!)}`);
  }
}

/** `auc = 0.71`, or just `0.7` when the side is a number already. */
function side(text: string, value: number): string {
  return /^[-+]?[\d.]+(e[-+]?\d+)?$/i.test(text.trim()) ? text.trim() : `${text} = ${formatMetric(value)}`;
}

function signed(d: number): string {
  return `${d >= 0 ? '+' : ''}${formatMetric(d)}`;
}

/** The self-contained HTML report (skipped gates are left out: they decided nothing). */
export async function writeEvaluationReport(file: string, view: EvaluationView): Promise<void> {
  const gates: GateResult[] = view.gates.filter((g) => g.status !== 'skipped').map((g) => ({
    expression: g.expression, op: g.op, leftText: g.leftText, rightText: g.rightText, left: g.left!, right: g.right!, passed: g.status === 'passed',
  }));
  const first = view.result.slices[0];
  const html = renderEvaluationHtml({
    title: `Evaluation of ${view.model}`,
    model: view.model,
    data: view.data,
    task: view.result.task.kind,
    evaluation: view.result.evaluation,
    ...(first ? { slices: first.slices.map((s) => ({ ...s })), sliceColumn: first.column } : {}),
    ...(view.champion ? { champion: { model: view.champion.model, metrics: view.champion.result.metrics } } : {}),
    ...(gates.length > 0 ? { gates } : {}),
  });
  await writeFileAtomic(file, html);
}
