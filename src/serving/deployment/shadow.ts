/**
 * Shadow traffic: a mirror version predicts on a copy of a request after the primary answered,
 * and its answer is compared with the primary's, never returned. Classification compares the
 * predicted labels row by row; regression the absolute difference of the predictions.
 */
import type { ModelManifest, PredictionRow } from '../../models/index.js';

/** What one mirrored request found. */
export interface ShadowRecord {
  readonly deployment: string;
  /** The registered model the deployment serves. */
  readonly model: string;
  /** The request id of the primary request, so its logs and this record join. */
  readonly correlationId: string;
  readonly primaryVersion: string;
  readonly shadowVersion: string;
  /** agree: every row's label matched (classification) or every |Δ| was within the tolerance (regression). */
  readonly outcome: 'agree' | 'disagree' | 'error';
  /** How the answers were compared; absent on error. */
  readonly kind?: 'classification' | 'regression' | 'exact';
  readonly rows: number;
  /** Rows whose answers agreed. */
  readonly agreedRows?: number;
  /** agreedRows / rows. */
  readonly agreement?: number;
  /** Regression: |shadow − primary| per row. */
  readonly absDeltas?: readonly number[];
  readonly maxAbsDelta?: number;
  readonly meanAbsDelta?: number;
  /** The shadow's failure, on error. */
  readonly error?: string;
  /** How long the shadow prediction took. */
  readonly ms: number;
  readonly at: number;
}

/** What the shadow answered, beside its record (for the prediction log; not sent between processes). */
export interface ShadowAnswer {
  /** The shadow version's predictions, one per row. */
  readonly predictions: readonly PredictionRow[];
}

/** The comparison part of a ShadowRecord. */
export type ShadowComparison = Pick<ShadowRecord, 'outcome' | 'kind' | 'agreedRows' | 'agreement' | 'absDeltas' | 'maxAbsDelta' | 'meanAbsDelta'>;

/** What a ShadowRecord says besides its comparison. */
export type ShadowHead = Pick<ShadowRecord, 'deployment' | 'model' | 'correlationId' | 'primaryVersion' | 'shadowVersion' | 'rows' | 'ms' | 'at'>;

/**
 * A compared shadow's record, its fields written out: `{...head, ...comparison}` took V8's
 * generic copy with a map transition per field, about 2 µs of every mirrored request.
 */
export function comparedRecord(h: ShadowHead, c: ShadowComparison): ShadowRecord {
  const { deployment, model, correlationId, primaryVersion, shadowVersion, rows, ms, at } = h;
  const { outcome, kind, agreedRows, agreement } = c;
  if (c.absDeltas === undefined) return { deployment, model, correlationId, primaryVersion, shadowVersion, rows, ms, at, outcome, kind, agreedRows, agreement };
  return { deployment, model, correlationId, primaryVersion, shadowVersion, rows, ms, at, outcome, kind, agreedRows, agreement, absDeltas: c.absDeltas, maxAbsDelta: c.maxAbsDelta, meanAbsDelta: c.meanAbsDelta };
}

type ComparedOutput = { readonly kind: 'classification' | 'regression' | 'exact'; readonly output: string };

const comparedOutputs = new WeakMap<ModelManifest, ComparedOutput>();

/** Which output is compared and how, from the primary's manifest (worked out once per manifest: routed requests ask on every answer). */
export function comparedOutput(manifest: ModelManifest): ComparedOutput {
  let compared = comparedOutputs.get(manifest);
  if (compared === undefined) {
    compared = outputToCompare(manifest);
    comparedOutputs.set(manifest, compared);
  }
  return compared;
}

function outputToCompare(manifest: ModelManifest): ComparedOutput {
  const outputs = manifest.signature.outputs.map((o) => o.name);
  const task = manifest.task;
  if (task?.kind === 'regression') return { kind: 'regression', output: task.prediction ?? outputs[0]! };
  if (task?.kind === 'classification') {
    // The label output: `label` by Paddock's convention, else the one output that is not the probabilities.
    const output = outputs.includes('label') ? 'label' : outputs.find((o) => o !== task.probabilities) ?? outputs[0]!;
    return { kind: 'classification', output };
  }
  return { kind: 'exact', output: outputs[0]! };
}

/**
 * Compares the shadow's predictions with the primary's. A different row count, or an output the
 * shadow lacks, is a disagreement on every row (the versions do not answer the same question).
 */
export function comparePredictions(manifest: ModelManifest, primary: readonly PredictionRow[], shadow: readonly PredictionRow[], tolerance: number): ShadowComparison {
  const { kind, output } = comparedOutput(manifest);
  const rows = primary.length;
  if (shadow.length !== rows) return { outcome: 'disagree', kind, agreedRows: 0, agreement: 0 };
  if (kind === 'regression') {
    const absDeltas = primary.map((p, i) => Math.abs(Number(shadow[i]![output]) - Number(p[output])));
    const agreedRows = absDeltas.filter((d) => d <= tolerance).length;
    const maxAbsDelta = absDeltas.reduce((a, b) => (Number.isNaN(b) ? Infinity : Math.max(a, b)), 0);
    const meanAbsDelta = rows === 0 ? 0 : absDeltas.reduce((a, b) => a + b, 0) / rows;
    return { outcome: agreedRows === rows ? 'agree' : 'disagree', kind, agreedRows, agreement: rows === 0 ? 1 : agreedRows / rows, absDeltas, maxAbsDelta, meanAbsDelta };
  }
  const agreedRows = primary.filter((p, i) => sameValue(p[output], shadow[i]![output])).length;
  return { outcome: agreedRows === rows ? 'agree' : 'disagree', kind, agreedRows, agreement: rows === 0 ? 1 : agreedRows / rows };
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  // Labels may come back as bigint-ish numbers from one runtime and numbers from another: compare by text.
  return a === b || String(a) === String(b);
}
