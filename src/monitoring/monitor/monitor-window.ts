/**
 * One window of a deployment's traffic against its reference: the window's predictions are
 * scanned from the prediction log in batches into profiles on the reference's specs (inputs
 * and outputs), then tested for drift column by column; labeled rows give realized
 * performance, every row of a binary classifier the CBPE estimate; requests give volume and
 * latency. Errors and dropped predictions are not in the log (a failed request has no
 * prediction; a dropped one was never written), so they come from the serving process when
 * it supplies them.
 */
import { fail } from '../../core/errors.js';
import type { DriftOptions } from '../drift/drift-report.js';
import type { LoggedPrediction, PredictionLogStore } from '../prediction-log/prediction-log.js';
import { KllSketch } from '../profiles/kll-sketch.js';
import { ProfileBuilder } from '../profiles/profile-builder.js';
import { profileDrift, type ProfileDriftReport } from './profile-drift.js';
import type { MonitorReference } from './reference.js';
import { outputPrediction, outputProbabilities, PerformanceAccumulator, type WindowPerformance } from './window-performance.js';

/** Request outcomes the serving process saw (the log holds answered rows only). */
export interface RequestOutcomes {
  readonly requests: number;
  readonly errors: number;
}

/** What to monitor. */
export interface MonitorWindowInput {
  readonly store: PredictionLogStore;
  readonly deployment: string;
  /** [since, until) in ms since the epoch, by prediction time. */
  readonly since: number;
  readonly until: number;
  readonly reference: MonitorReference;
  /** Only this version's predictions (default: all the deployment answered). */
  readonly version?: string;
  readonly drift?: DriftOptions;
  readonly outcomes?: (deployment: string, since: number, until: number) => RequestOutcomes | undefined;
  readonly dropped?: (deployment: string, since: number, until: number) => number | undefined;
}

/** Everything measured in one window. */
export interface WindowResult {
  readonly deployment: string;
  readonly since: number;
  readonly until: number;
  /** Answered rows, the requests they came in, and rows with a label. */
  readonly rows: number;
  readonly requests: number;
  readonly labeled: number;
  readonly versions: Readonly<Record<string, number>>;
  /** Request latency percentiles in ms (KLL; exact below a few hundred requests). */
  readonly latency?: { readonly p50: number; readonly p99: number };
  readonly errors?: RequestOutcomes & { readonly rate: number };
  readonly dropped?: number;
  /** Input drift (the dataset verdict is over the inputs); absent without rows. */
  readonly drift?: ProfileDriftReport;
  /** Drift of the model's outputs (prediction drift). */
  readonly outputDrift?: ProfileDriftReport;
  readonly performance: WindowPerformance;
}

/** Monitors [since, until). */
export async function monitorWindow(input: MonitorWindowInput): Promise<WindowResult> {
  const { reference, deployment, since, until } = input;
  if (!(until > since)) fail('INVALID_ARGUMENT', `monitor window: until (${until}) must be after since (${since})`, { since, until });
  const inputs = new ProfileBuilder(reference.inputs.profile.spec);
  const outputs = new ProfileBuilder(reference.outputs.profile.spec);
  const performance = new PerformanceAccumulator(reference);
  const latency = new KllSketch();
  const versions: Record<string, number> = {};
  let rows = 0;
  let requests = 0;
  let labeled = 0;
  await input.store.scan({ deployment, since, until, ...(input.version ? { version: input.version } : {}) }, (batch) => {
    inputs.ingestRows(batch.map((r) => r.inputs));
    if (outputs.spec.columns.length) outputs.ingestRows(batch.map((r) => outputColumns(r, reference)));
    for (const r of batch) {
      performance.add(r);
      versions[r.version] = (versions[r.version] ?? 0) + 1;
      if (r.label !== undefined && r.label !== null) labeled++;
      if (r.rowIndex === 0) {
        requests++;
        if (Number.isFinite(r.latencyMs)) latency.update(r.latencyMs);
      }
    }
    rows += batch.length;
  });
  const outcomes = input.outcomes?.(deployment, since, until);
  const dropped = input.dropped?.(deployment, since, until);
  const [p50, p99] = latency.n ? latency.quantiles([0.5, 0.99]) : [];
  return {
    deployment, since, until, rows, requests, labeled, versions,
    ...(p50 !== undefined ? { latency: { p50, p99: p99! } } : {}),
    ...(outcomes ? { errors: { ...outcomes, rate: outcomes.requests ? outcomes.errors / outcomes.requests : 0 } } : {}),
    ...(dropped !== undefined ? { dropped } : {}),
    ...(rows > 0 ? { drift: profileDrift(reference.inputs, inputs, input.drift), outputDrift: profileDrift(reference.outputs, outputs, { ...input.drift, columns: undefined }) } : {}),
    performance: performance.result(),
  };
}

/** A row's outputs as the reference's output columns: the positive class's probability, the label, the prediction. */
function outputColumns(row: LoggedPrediction, reference: MonitorReference): Record<string, unknown> {
  const names = reference.outputNames;
  const out: Record<string, unknown> = {};
  for (const spec of reference.outputs.profile.spec.columns) {
    if (spec.name === names.probabilities) out[spec.name] = outputProbabilities(row.outputs, names.probabilities, reference.task?.classes ?? [])?.[1];
    else if (spec.kind === 'numeric') out[spec.name] = outputPrediction(row.outputs, spec.name);
    else {
      const v = row.outputs[spec.name];
      out[spec.name] = Array.isArray(v) ? v[0] : v;
    }
  }
  return out;
}

/** Several consecutive windows ending at `until`, oldest first. */
export async function monitorSeries(input: Omit<MonitorWindowInput, 'since'> & { readonly windowMs: number; readonly windows: number }): Promise<WindowResult[]> {
  const { windowMs, windows, until } = input;
  if (!(windowMs > 0) || !Number.isInteger(windows) || windows < 1) fail('INVALID_ARGUMENT', `monitor: the window (${windowMs} ms) must be positive and the number of windows (${windows}) a positive integer`, { windowMs, windows });
  const out: WindowResult[] = [];
  for (let k = windows; k >= 1; k--) {
    const end = until - (k - 1) * windowMs;
    out.push(await monitorWindow({ ...input, since: end - windowMs, until: end }));
  }
  return out;
}
