/**
 * The runs table's columns when the user has chosen none: what tells the loaded runs apart. No
 * imports (only the shape of a run it reads), so a plain Node test can check the choice.
 */

/** The slice of a run (web/src/pages/runs/run-model.ts) the choice reads. */
export interface RunKeys {
  readonly data: {
    readonly params: readonly { readonly key: string; readonly value: string }[];
    readonly metrics: readonly { readonly key: string }[];
  };
}

/** At most this many param and metric columns by default. */
export const MAX_DEFAULT_COLUMNS = 8;

/** Metrics a reader looks for first; the first one present leads the metric columns. */
export const HEADLINE_METRICS: readonly string[] = ['roc_auc', 'auc', 'accuracy', 'f1', 'rmse', 'mae', 'r2', 'log_loss', 'loss'];

/** Keys with a separator (`slice.weekday.1.auc`, `val/loss`) are details: after the top-level ones. */
const nested = (key: string) => /[./]/.test(key);

/**
 * Column ids (`params.lr`, `metrics.auc`) for runs without a saved choice: first the params whose
 * values differ between the runs that have them (a param equal everywhere tells no run apart),
 * most widespread first; then the metrics, a headline metric (roc_auc, auc, accuracy, rmse…)
 * first, then top-level keys before nested ones (per-slice, per-split), each by how many runs
 * have them; at most {@link MAX_DEFAULT_COLUMNS}, keeping room for three metrics. Ties go by
 * name, so the choice is stable.
 */
export function defaultColumns(runs: readonly RunKeys[], max = MAX_DEFAULT_COLUMNS): string[] {
  const values = new Map<string, Set<string>>();
  const paramRuns = new Map<string, number>();
  const metricRuns = new Map<string, number>();
  for (const run of runs) {
    for (const p of run.data.params) {
      if (!values.has(p.key)) values.set(p.key, new Set());
      values.get(p.key)!.add(p.value);
      paramRuns.set(p.key, (paramRuns.get(p.key) ?? 0) + 1);
    }
    for (const key of new Set(run.data.metrics.map((m) => m.key))) metricRuns.set(key, (metricRuns.get(key) ?? 0) + 1);
  }
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const varying = [...values].filter(([, v]) => v.size > 1).map(([k]) => k)
    .sort((a, b) => paramRuns.get(b)! - paramRuns.get(a)! || byName(a, b));
  const headline = HEADLINE_METRICS.find((k) => metricRuns.has(k));
  const metrics = [...metricRuns.keys()].filter((k) => k !== headline)
    .sort((a, b) => Number(nested(a)) - Number(nested(b)) || metricRuns.get(b)! - metricRuns.get(a)! || byName(a, b));
  if (headline !== undefined) metrics.unshift(headline);
  const params = varying.slice(0, Math.max(0, max - Math.min(3, metrics.length)));
  return [...params.map((k) => `params.${k}`), ...metrics.slice(0, max - params.length).map((k) => `metrics.${k}`)];
}
