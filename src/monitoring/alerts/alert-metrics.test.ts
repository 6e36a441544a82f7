import { describe, expect, it } from 'vitest';
import { ALERT_METRICS, alertsConfigSchema } from '../../core/config-monitoring.js';
import { flightRows, ORIGINS, type Flight } from '../../test-support/flights.js';
import { MemoryPredictionLog } from '../../test-support/memory-prediction-log.js';
import { prng } from '../../test-support/prng.js';
import { monitorWindow, type WindowResult } from '../monitor/monitor-window.js';
import type { MonitorReference } from '../monitor/reference.js';
import type { PredictionRecord } from '../prediction-log/prediction-log.js';
import { profileColumns } from '../profiles/monitoring-profile.js';
import { AlertEvaluator } from './alert-evaluator.js';
import { measure, type AlertRule } from './alert-rule.js';
import type { AlertEvent } from './alert-store.js';

/**
 * Every alert metric the schema accepts, on windows built the way the serving monitor builds
 * them: flight-like rows written to a prediction log, labels joined, then monitorWindow against
 * a reference profiled from training rows (so the drift scores come from the real drift tests
 * over real profiles), with the serving process's request outcomes and dropped counts. Each
 * metric: quiet on healthy windows, fires after for_windows breached ones with the numbers that
 * fired it, skips windows below min_samples without breaking the streak, and clears.
 */
const WINDOW = 10_000;
const START = Date.UTC(2024, 0, 1);
const DEPLOYMENT = 'flights';
const ROWS = 600;
const SMALL = 40;
const MIN_SAMPLES = 100;

/** The served model: P(late) follows the same signal flightsCsv draws labels from. */
const positive = (f: Flight): number => {
  const hub = f.origin === 'ORD' || f.origin === 'JFK' ? 1.2 : 0;
  return 1 / (1 + Math.exp(-(0.25 * (f.hour - 14) + hub + f.distance / 2000 - 0.8 + (f.weekday >= 5 ? 0.5 : 0))));
};

/** The reference: `n` training rows' inputs and the model's outputs on them (≤ 1000 rows: KS and chi-squared; above: Wasserstein and Jensen–Shannon). */
function referenceOf(n: number): MonitorReference {
  const train = flightRows(n, 1);
  const col = (name: keyof Flight) => train.map((r) => r[name]);
  return {
    source: 'monitoring-profile',
    inputs: profileColumns([
      { name: 'hour', kind: 'numeric', values: col('hour') }, { name: 'weekday', kind: 'numeric', values: col('weekday') },
      { name: 'distance', kind: 'numeric', values: col('distance') }, { name: 'origin', kind: 'categorical', values: col('origin') },
    ]),
    outputs: profileColumns([
      { name: 'label', kind: 'categorical', values: train.map((r) => String(positive(r) > 0.5 ? 1 : 0)) },
      { name: 'probabilities', kind: 'numeric', values: train.map(positive) },
    ]),
    task: { kind: 'classification', classes: [0, 1] },
    outputNames: { label: 'label', probabilities: 'probabilities' },
    metrics: {},
    description: `${n} flight-like training rows`,
  };
}

const REFERENCE = referenceOf(5000);
const SMALL_REFERENCE = referenceOf(800);

/** What a window's traffic looks like. */
interface Traffic {
  readonly rows?: number;
  /** Departures at night on routes longer than any in training, mostly from SEA. */
  readonly shifted?: boolean;
  /** Rows near the model's decision boundary: low confidence, so CBPE expects poor accuracy. */
  readonly ambiguous?: boolean;
  /** Labels are the opposite of what the (calibrated) model implies: concept drift. */
  readonly flipped?: boolean;
  /** Rows labeled (default all). */
  readonly labeled?: number;
  readonly slowMs?: number;
  readonly errors?: number;
  readonly dropped?: number;
}

function inputsOf(t: Traffic, n: number, seed: number): Flight[] {
  const rnd = prng(seed + 1000);
  return flightRows(n, seed).map((f) => {
    if (t.shifted) return { hour: Math.floor(rnd() * 5), weekday: f.weekday, distance: 4000 + Math.floor(rnd() * 3000), origin: rnd() < 0.8 ? 'SEA' : f.origin };
    if (t.ambiguous) return { hour: 13 + Math.floor(rnd() * 3), weekday: Math.floor(rnd() * 5), distance: 1000 + Math.floor(rnd() * 1000), origin: ORIGINS[[0, 2, 4][Math.floor(rnd() * 3)]!]! };
    return f;
  });
}

/** Window `i`'s result, built as the serving monitor builds it: predictions logged, labels joined, outcomes and drops from the process. */
async function observe(i: number, t: Traffic = {}, reference = REFERENCE): Promise<WindowResult> {
  const n = t.rows ?? ROWS;
  const since = START + i * WINDOW;
  const seed = 100 + i;
  const rnd = prng(seed + 2000);
  const store = new MemoryPredictionLog();
  const rows = inputsOf(t, n, seed);
  const records: PredictionRecord[] = rows.map((f, k) => {
    const p = positive(f);
    return {
      requestId: `w${i}-${k}`, rowIndex: 0, deployment: DEPLOYMENT, model: 'flights', version: '1', variant: 'stable',
      inputs: { ...f }, outputs: { label: p > 0.5 ? 1 : 0, probabilities: [1 - p, p] },
      latencyMs: (t.slowMs ?? 5) + (k % 10), at: since + Math.floor(((k + 1) * WINDOW) / (n + 1)),
    };
  });
  await store.append(records);
  const labels = rows.slice(0, t.labeled ?? n).map((f, k) => {
    const truth = rnd() < positive(f) ? 1 : 0;
    return { requestId: `w${i}-${k}`, rowIndex: 0, label: t.flipped ? 1 - truth : truth };
  });
  await store.attachLabels(DEPLOYMENT, labels);
  return monitorWindow({
    store, deployment: DEPLOYMENT, since, until: since + WINDOW, reference,
    outcomes: () => ({ requests: n + (t.errors ?? 0), errors: t.errors ?? 0 }),
    dropped: () => t.dropped ?? 0,
  });
}

const ruleOf = (rule: Record<string, unknown>): AlertRule => alertsConfigSchema.parse([{ name: 'r', min_samples: MIN_SAMPLES, for_windows: 2, clear_windows: 2, ...rule }])[0]!;

interface Case {
  readonly rule: Record<string, unknown>;
  readonly bad: Traffic;
  readonly healthy?: Traffic;
  readonly reference?: MonitorReference;
  /** The number the rule reads in a window, found here independently of alert-rule.ts. */
  readonly value: (w: WindowResult) => number;
  /** The samples behind it. */
  readonly samples: (w: WindowResult) => number;
  /** What the fired event must carry besides the value and windows. */
  readonly fired: Partial<AlertEvent>;
  /** Checks on the breached window's numbers themselves (that the data really is bad). */
  readonly check: (w: WindowResult, value: number) => void;
}

const inputColumn = (w: WindowResult, name: string) => w.drift!.columns.find((c) => c.column === name)!;
const outputColumn = (w: WindowResult, name: string) => w.outputDrift!.columns.find((c) => c.column === name)!;

const CASES: Readonly<Record<string, Case>> = {
  'dataset_drift (the default verdict: share of drifted columns ≥ 0.5)': {
    rule: { metric: 'dataset_drift' },
    bad: { shifted: true },
    value: (w) => w.drift!.share,
    samples: (w) => w.rows,
    fired: { metric: 'dataset_drift', condition: 'share of drifted columns ≥ 0.5' },
    check: (w, share) => {
      expect(w.drift!.datasetDrift).toBe(true);
      expect(share).toBeGreaterThanOrEqual(0.5);
      expect(share).toBe(w.drift!.driftedColumns / w.drift!.columns.length);
      expect(w.drift!.columns.filter((c) => c.drifted).map((c) => c.column).sort()).toEqual(['distance', 'hour', 'origin']);
    },
  },
  'dataset_drift with its own bound on the share': {
    rule: { metric: 'dataset_drift', above: 0.6 },
    bad: { shifted: true },
    value: (w) => w.drift!.share,
    samples: (w) => w.rows,
    fired: { metric: 'dataset_drift', above: 0.6, condition: 'share of drifted columns > 0.6' },
    check: (_w, share) => expect(share).toBe(0.75),
  },
  'drift_score of a numeric input (Wasserstein, the large-reference default)': {
    rule: { metric: 'drift_score', column: 'distance' },
    bad: { shifted: true },
    value: (w) => inputColumn(w, 'distance').score,
    samples: (w) => inputColumn(w, 'distance').currentRows,
    fired: { metric: 'drift_score', column: 'distance', condition: 'wasserstein ≥ 0.1' },
    check: (w, score) => {
      expect(inputColumn(w, 'distance')).toMatchObject({ test: 'wasserstein', threshold: 0.1, drifted: true });
      expect(score).toBeGreaterThan(1); // several reference standard deviations away
    },
  },
  'drift_score of a categorical input with a bound (Jensen–Shannon > 0.2)': {
    rule: { metric: 'drift_score', column: 'origin', above: 0.2 },
    bad: { shifted: true },
    value: (w) => inputColumn(w, 'origin').score,
    samples: (w) => inputColumn(w, 'origin').currentRows,
    fired: { metric: 'drift_score', column: 'origin', above: 0.2, condition: 'jensenshannon > 0.2' },
    check: (w, score) => {
      expect(inputColumn(w, 'origin').test).toBe('jensenshannon');
      expect(score).toBeGreaterThan(0.2);
    },
  },
  'drift_score with a p-value test (KS, a reference of ≤ 1000 rows)': {
    rule: { metric: 'drift_score', column: 'hour' },
    reference: SMALL_REFERENCE,
    bad: { shifted: true },
    value: (w) => inputColumn(w, 'hour').score,
    samples: (w) => inputColumn(w, 'hour').currentRows,
    fired: { metric: 'drift_score', column: 'hour', condition: 'ks p-value < 0.05' },
    check: (w, p) => {
      expect(inputColumn(w, 'hour')).toMatchObject({ test: 'ks', threshold: 0.05, drifted: true });
      expect(p).toBeLessThan(1e-6);
    },
  },
  'drift_score of a model output (prediction drift)': {
    rule: { metric: 'drift_score', column: 'probabilities' },
    bad: { shifted: true },
    value: (w) => outputColumn(w, 'probabilities').score,
    samples: (w) => outputColumn(w, 'probabilities').currentRows,
    fired: { metric: 'drift_score', column: 'probabilities', condition: 'wasserstein ≥ 0.1' },
    check: (w) => expect(outputColumn(w, 'probabilities').drifted).toBe(true),
  },
  'performance (realized accuracy below a bound, min_samples over labeled rows)': {
    rule: { metric: 'performance', performance_metric: 'accuracy', below: 0.6 },
    bad: { flipped: true },
    healthy: { labeled: ROWS },
    value: (w) => w.performance.realized!.metrics.accuracy!,
    samples: (w) => w.performance.realized!.rows,
    fired: { metric: 'performance', performanceMetric: 'accuracy', below: 0.6, condition: '< 0.6' },
    check: (_w, accuracy) => expect(accuracy).toBeLessThan(0.4),
  },
  'estimated_performance (CBPE accuracy before labels arrive)': {
    rule: { metric: 'estimated_performance', performance_metric: 'accuracy', below: 0.65 },
    bad: { ambiguous: true, labeled: 0 },
    healthy: { labeled: 0 },
    value: (w) => w.performance.estimated!.accuracy,
    samples: (w) => w.performance.estimated!.rows,
    fired: { metric: 'estimated_performance', performanceMetric: 'accuracy', below: 0.65, condition: '< 0.65' },
    check: (w, accuracy) => {
      expect(accuracy).toBeGreaterThan(0.5);
      expect(w.performance.realized).toBeUndefined();
    },
  },
  'latency_p99 above a bound (min_samples over requests)': {
    rule: { metric: 'latency_p99', above: 100 },
    bad: { slowMs: 200 },
    value: (w) => w.latency!.p99,
    samples: (w) => w.requests,
    fired: { metric: 'latency_p99', above: 100, condition: '> 100' },
    check: (_w, p99) => expect(p99).toBe(209),
  },
  'error_rate above a bound (min_samples over all requests, failed ones included)': {
    rule: { metric: 'error_rate', above: 0.05 },
    bad: { errors: 60 },
    healthy: { errors: 3 },
    value: (w) => w.errors!.rate,
    samples: (w) => w.errors!.requests,
    fired: { metric: 'error_rate', above: 0.05, condition: '> 0.05' },
    check: (w, rate) => {
      expect(rate).toBe(60 / (ROWS + 60));
      expect(w.errors).toMatchObject({ requests: ROWS + 60, errors: 60 });
    },
  },
};

describe('every alert metric the schema accepts, on windows monitored from a prediction log', () => {
  it('has a case here for each metric (dropped_predictions below)', () => {
    const covered = new Set([...Object.values(CASES).map((c) => c.rule.metric), 'dropped_predictions']);
    expect([...ALERT_METRICS].filter((m) => !covered.has(m))).toEqual([]);
  });

  for (const [title, c] of Object.entries(CASES)) {
    it(title, async () => {
      const rule = ruleOf(c.rule);
      const e = new AlertEvaluator([rule]);
      const seen: WindowResult[] = [];
      const step = async (i: number, t: Traffic | undefined, kind: 'healthy' | 'bad' | 'skipped'): Promise<AlertEvent[]> => {
        const w = await observe(i, t, c.reference);
        seen[i] = w;
        const m = measure(rule, w);
        expect(m, `window ${i}`).toBeDefined();
        expect(m!.value, `window ${i}`).toBe(c.value(w));
        expect(m!.samples, `window ${i}`).toBe(c.samples(w));
        if (kind === 'skipped') expect(m!.samples).toBeLessThan(MIN_SAMPLES);
        else expect(m!.breached, `window ${i}: ${m!.value} vs ${m!.condition}`).toBe(kind === 'bad');
        return e.evaluate(w);
      };
      const healthy = c.healthy ?? {};
      // Healthy windows never fire.
      for (let i = 0; i < 3; i++) expect(await step(i, healthy, 'healthy')).toEqual([]);
      // One breached window is not enough (for_windows: 2) …
      expect(await step(3, c.bad, 'bad')).toEqual([]);
      // … a breached window below min_samples neither counts nor breaks the streak …
      expect(await step(4, { ...c.bad, rows: SMALL, ...(c.bad.errors ? { errors: 5 } : {}), ...(c.bad.labeled !== undefined ? { labeled: 0 } : {}) }, 'skipped')).toEqual([]);
      // … the second breached window fires, with the numbers of both.
      const fired = await step(5, c.bad, 'bad');
      const [w3, w5] = [seen[3]!, seen[5]!];
      c.check(w5, c.value(w5));
      expect(fired).toEqual([expect.objectContaining({
        rule: 'r', deployment: DEPLOYMENT, kind: 'fired', value: c.value(w5), at: w5.until, ...c.fired,
        windows: [
          { since: w3.since, until: w3.until, value: c.value(w3), samples: c.samples(w3) },
          { since: w5.since, until: w5.until, value: c.value(w5), samples: c.samples(w5) },
        ],
      })]);
      expect(e.status()).toEqual([{ rule: 'r', deployment: DEPLOYMENT, firing: true }]);
      // Still breached: no second event. One healthy window does not clear; a small one is skipped
      // (40 rows of the training distribution can look drifted by chance: Wasserstein 0.23 on distance).
      expect(await step(6, c.bad, 'bad')).toEqual([]);
      expect(await step(7, healthy, 'healthy')).toEqual([]);
      expect(await step(8, { ...healthy, rows: SMALL, ...(healthy.errors ? { errors: 0 } : {}) }, 'skipped')).toEqual([]);
      const cleared = await step(9, healthy, 'healthy');
      expect(cleared).toEqual([expect.objectContaining({
        kind: 'cleared', value: c.value(seen[9]!), at: seen[9]!.until,
        windows: [7, 9].map((k) => ({ since: seen[k]!.since, until: seen[k]!.until, value: c.value(seen[k]!), samples: c.samples(seen[k]!) })),
      })]);
      expect(e.status()).toEqual([{ rule: 'r', deployment: DEPLOYMENT, firing: false }]);
    });
  }

  it('dropped_predictions: any drop counts whatever the volume (min_samples does not apply), and clears when drops stop', async () => {
    const rule = ruleOf({ metric: 'dropped_predictions', above: 0 });
    const e = new AlertEvaluator([rule]);
    const ws = [
      await observe(0), await observe(1),
      await observe(2, { dropped: 25 }),
      // A window of few rows (or none: the logger dropped them all) still counts.
      await observe(3, { rows: SMALL, dropped: 400 }),
      await observe(4, { dropped: 30 }),
      await observe(5), await observe(6),
    ];
    const events = ws.map((w) => e.evaluate(w));
    expect(ws.map((w) => w.dropped)).toEqual([0, 0, 25, 400, 30, 0, 0]);
    expect(events[0]).toEqual([]);
    expect(events[1]).toEqual([]);
    expect(events[2]).toEqual([]);
    expect(events[3]).toEqual([expect.objectContaining({
      kind: 'fired', metric: 'dropped_predictions', value: 400, above: 0, condition: '> 0', at: ws[3]!.until,
      windows: [{ since: ws[2]!.since, until: ws[2]!.until, value: 25, samples: ROWS }, { since: ws[3]!.since, until: ws[3]!.until, value: 400, samples: MIN_SAMPLES }],
    })]);
    expect(events[4]).toEqual([]);
    expect(events[5]).toEqual([]);
    expect(events[6]).toEqual([expect.objectContaining({ kind: 'cleared', value: 0 })]);
  });

  it('a window without the metric measures nothing: no labels yet, no rows, no outcomes from this process', async () => {
    const unlabeled = await observe(0, { labeled: 0 });
    expect(measure(ruleOf({ metric: 'performance', performance_metric: 'accuracy', below: 0.6 }), unlabeled)).toBeUndefined();
    // A metric the estimate does not have (CBPE gives accuracy, precision, recall, f1, roc_auc).
    expect(measure(ruleOf({ metric: 'estimated_performance', performance_metric: 'log_loss', below: 0.6 }), unlabeled)).toBeUndefined();
    expect(measure(ruleOf({ metric: 'drift_score', column: 'nosuch' }), unlabeled)).toBeUndefined();
    const store = new MemoryPredictionLog();
    const empty = await monitorWindow({ store, deployment: DEPLOYMENT, since: START, until: START + WINDOW, reference: REFERENCE });
    for (const rule of [
      ruleOf({ metric: 'dataset_drift' }), ruleOf({ metric: 'drift_score', column: 'distance' }), ruleOf({ metric: 'latency_p99', above: 1 }),
      ruleOf({ metric: 'error_rate', above: 0 }), ruleOf({ metric: 'dropped_predictions', above: 0 }), ruleOf({ metric: 'estimated_performance', performance_metric: 'accuracy', below: 1 }),
    ]) expect(measure(rule, empty), rule.metric).toBeUndefined();
  });

  it('rules are per deployment: a streak on one deployment does not fire on another', async () => {
    const e = new AlertEvaluator([ruleOf({ metric: 'dataset_drift' })]);
    const bad = await observe(3, { shifted: true });
    const other = { ...bad, deployment: 'other', since: bad.since + WINDOW, until: bad.until + WINDOW };
    expect(e.evaluate(bad)).toEqual([]);
    expect(e.evaluate(other)).toEqual([]);
    expect(e.evaluate({ ...bad, since: bad.since + 2 * WINDOW, until: bad.until + 2 * WINDOW })).toMatchObject([{ kind: 'fired', deployment: DEPLOYMENT }]);
    // A rule naming a deployment ignores the others.
    const only = new AlertEvaluator([ruleOf({ metric: 'dataset_drift', deployment: 'other', for_windows: 1 })]);
    expect(only.evaluate(bad)).toEqual([]);
    expect(only.evaluate(other)).toMatchObject([{ kind: 'fired', deployment: 'other' }]);
  });
});
