/**
 * The run tags that link evidence to what it is about, written by `paddock validate` and
 * `paddock evaluate` and read by the promotion checks and `paddock audit`. One place, so the
 * writers and the readers cannot drift apart.
 */

/** `paddock validate` logs one run per check of a data file, in this experiment. */
export const VALIDATION_EXPERIMENT = 'validate';

/** Tags of a validation run: the data file's DVC md5 and the outcome. */
export const VALIDATION_TAGS = {
  md5: 'paddock.validation.md5',
  /** `true` when no check marked error failed. */
  passed: 'paddock.validation.passed',
  /** The data file as given (relative to the project). */
  data: 'paddock.validation.data',
} as const;

/** Tags of an evaluation run naming the model it evaluated. */
export const EVALUATION_TAGS = {
  /** The registered model, when evaluated through a `models:/` URI. */
  model: 'paddock.evaluation.model',
  version: 'paddock.evaluation.version',
  /** The package's content hash: registered packages are stored under `packages/<name>/<hash>`. */
  packageHash: 'paddock.package.hash',
  /** One line per gate: `passed: auc >= 0.6` (written by `paddock evaluate --gate`). */
  gates: 'paddock.gates',
} as const;

/** Slice metrics of an evaluation run are `slice.<column>.<value>.<metric>`. */
export const SLICE_METRIC_PREFIX = 'slice.';

/** A slice metric's key as `paddock evaluate` writes it (characters outside [\w./ -] become _). */
export function sliceMetricKey(column: string, value: string, metric: string): string {
  return `${SLICE_METRIC_PREFIX}${column}.${value}.${metric}`.replace(/[^\w./ -]/g, '_').slice(0, 250);
}

/** A column name as it appears inside slice metric keys. */
export function sliceColumnKey(column: string): string {
  return column.replace(/[^\w./ -]/g, '_');
}

/** The content hash in a registered package's source (`…/packages/<name>/<sha256>`), if it has one. */
export function packageHashOfSource(source: string): string | undefined {
  const last = source.replace(/\/+$/, '').split('/').pop() ?? '';
  return /^[0-9a-f]{64}$/.test(last) ? last : undefined;
}
