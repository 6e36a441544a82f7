/**
 * The monitoring profile a model package carries (`monitoring-profile.json`): the training
 * data's profile of the model's inputs, and the profile of the model's own outputs on that
 * data, each on bins and categories fitted here from the data in memory. Windows of live
 * traffic are profiled on the same specs, so drift compares bin for bin.
 *
 * Numeric columns with at most EXACT_VALUES finite values also keep their sorted values, so
 * drift tests against a small reference (KS, where Evidently's defaults use it) see the
 * reference exactly rather than through the KLL sketch.
 *
 * Deterministic: the same values in the same order give byte-identical JSON (the KLL coin is
 * seeded, category ties are broken by value), so packages stay byte-reproducible.
 */
import { z } from 'zod';
import { fail } from '../../core/errors.js';
import { ProfileBuilder } from './profile-builder.js';
import { parseProfileJson, type ProfileJson } from './profile-json.js';
import { increasing, profileSpec, type ColumnSpec } from './profile-spec.js';
import { REFERENCE_BINS, REFERENCE_CATEGORIES } from './reference-profile.js';

export const MONITORING_PROFILE_FORMAT = 'paddock.monitoring-profile';
export const MONITORING_PROFILE_VERSION = 1 as const;
/** Numeric columns with at most this many finite values keep them (Evidently's small-reference size). */
export const EXACT_VALUES = 1000;

/** One column to profile: its values, one per row (null/undefined are nulls). */
export interface ProfiledColumn {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
  readonly values: ArrayLike<unknown>;
}

/** A profiled table: the profile, and the sorted finite values of small numeric columns. */
export interface ProfileSection {
  readonly profile: ProfileBuilder;
  readonly exact: ReadonlyMap<string, Float64Array>;
}

/** The model's inputs and outputs on its training data. */
export interface MonitoringProfile {
  readonly inputs: ProfileSection;
  readonly outputs: ProfileSection;
}

/** Fits bins (quantile edges) and categories (the most frequent values) on `columns`, then profiles them. */
export function profileColumns(columns: readonly ProfiledColumn[], options: { readonly bins?: number; readonly categories?: number } = {}): ProfileSection {
  const bins = options.bins ?? REFERENCE_BINS;
  const categories = options.categories ?? REFERENCE_CATEGORIES;
  const exact = new Map<string, Float64Array>();
  const specs: ColumnSpec[] = columns.map((c) => {
    if (c.kind === 'categorical') return { name: c.name, kind: 'categorical', categories: topCategories(c.values, categories) };
    const sorted = finiteSorted(c.values);
    if (sorted.length <= EXACT_VALUES) exact.set(c.name, sorted);
    return { name: c.name, kind: 'numeric', edges: quantileEdges(sorted, bins) };
  });
  const profile = new ProfileBuilder(profileSpec(specs));
  const rows = columns[0]?.values.length ?? 0;
  if (columns.length > 0) profile.ingest(Object.fromEntries(columns.map((c) => [c.name, c.kind === 'categorical' ? Array.from(c.values, asText) : c.values])), rows);
  return { profile, exact };
}

const asText = (v: unknown): string | null => (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : String(v));

function finiteSorted(values: ArrayLike<unknown>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const x = typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : NaN;
    if (Number.isFinite(x)) out.push(x);
  }
  return Float64Array.from(out).sort();
}

/** Edges at the i/bins quantiles (the value at index ⌊p·(n−1)⌋, as quantile_disc picks), repeats dropped. */
function quantileEdges(sorted: Float64Array, bins: number): number[] {
  if (sorted.length === 0) return [];
  return increasing(Array.from({ length: bins + 1 }, (_, i) => sorted[Math.floor((i / bins) * (sorted.length - 1))]!));
}

/** The `limit` most frequent values, ties broken by value so the choice is deterministic. */
function topCategories(values: ArrayLike<unknown>, limit: number): string[] {
  const counts = new Map<string, number>();
  for (let i = 0; i < values.length; i++) {
    const v = asText(values[i]);
    if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, limit).map(([v]) => v);
}

/** The stored text: one JSON document, keys in a fixed order, ending in a newline. */
export function formatMonitoringProfile(p: MonitoringProfile): string {
  const section = (s: ProfileSection) => ({ profile: s.profile.toJSON(), exact: Object.fromEntries([...s.exact].map(([k, v]) => [k, Array.from(v)])) });
  return `${JSON.stringify({ format: MONITORING_PROFILE_FORMAT, version: MONITORING_PROFILE_VERSION, inputs: section(p.inputs), outputs: section(p.outputs) })}\n`;
}

const sectionSchema = z.strictObject({ profile: z.unknown(), exact: z.record(z.string(), z.array(z.number())) });
const documentSchema = z.strictObject({
  format: z.literal(MONITORING_PROFILE_FORMAT),
  version: z.literal(MONITORING_PROFILE_VERSION),
  inputs: sectionSchema,
  outputs: sectionSchema,
});

/** Reads the stored text; `what` (the file) names it in errors. */
export function parseMonitoringProfile(text: string, what: string): MonitoringProfile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    fail('INVALID_ARGUMENT', `${what}: not JSON (${(err as Error).message}); the monitoring profile is damaged — retrain the package to rewrite it`, { file: what }, err);
  }
  const parsed = documentSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    fail('INVALID_ARGUMENT', `${what}: ${issue.path.join('.') || '(top level)'}: ${issue.message}; expected a '${MONITORING_PROFILE_FORMAT}' version ${MONITORING_PROFILE_VERSION} document as paddock train writes it`, { file: what, field: issue.path.join('.') });
  }
  const section = (s: z.output<typeof sectionSchema>, name: string): ProfileSection => {
    const json: ProfileJson = parseProfileJson(s.profile, `${what} (${name})`);
    return { profile: ProfileBuilder.fromJSON(json, `${what} (${name})`), exact: new Map(Object.entries(s.exact).map(([k, v]) => [k, Float64Array.from(v).sort()])) };
  };
  return { inputs: section(parsed.data.inputs, 'inputs'), outputs: section(parsed.data.outputs, 'outputs') };
}
