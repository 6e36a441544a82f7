/**
 * The reference a deployment's traffic is compared with: the training data profile stored in
 * the model package. Packages written by `paddock train` carry monitoring-profile.json (the
 * inputs' and outputs' profiles with KLL sketches, and the exact values of small columns);
 * older packages only have reference-profile.yaml, a validation schema whose statistics give
 * the bins with their counts and the most frequent categories — enough for histogram-based
 * drift of the inputs, but no quantile sketch and no outputs.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fail, fromSystemError } from '../../core/errors.js';
import type { ModelPackage } from '../../models/index.js';
import { parseSchema, type DataSchema } from '../../validation/index.js';
import type { CategoricalProfile } from '../profiles/categorical-profile.js';
import { parseMonitoringProfile, type ProfileSection } from '../profiles/monitoring-profile.js';
import type { NumericProfile } from '../profiles/numeric-profile.js';
import { ProfileBuilder } from '../profiles/profile-builder.js';
import { profileSpec, specFromSchema } from '../profiles/profile-spec.js';

/** Which outputs of a row hold the predicted label, the class probabilities or the regression prediction. */
export interface OutputNames {
  readonly label?: string;
  readonly probabilities?: string;
  readonly prediction?: string;
}

/** What monitoring compares a deployment's windows with. */
export interface MonitorReference {
  /** monitoring-profile.json (sketches) or reference-profile.yaml (a schema's bins and counts). */
  readonly source: 'monitoring-profile' | 'reference-profile';
  readonly inputs: ProfileSection;
  /** Empty for a reference-profile.yaml package. */
  readonly outputs: ProfileSection;
  readonly task?: { readonly kind: 'classification' | 'regression'; readonly classes?: readonly (string | number)[] };
  readonly outputNames: OutputNames;
  /** The package's metrics on its training data, without the `train_` prefix (shown beside each window's). */
  readonly metrics: Readonly<Record<string, number>>;
  /** Where it came from, for reports. */
  readonly description: string;
}

const EMPTY: ProfileSection = { profile: new ProfileBuilder(profileSpec([])), exact: new Map() };

/** The reference of a package: its monitoring profile, else its reference profile, else an error saying what to do. */
export async function referenceFromPackage(pkg: ModelPackage, label = pkg.manifest.name): Promise<MonitorReference> {
  const m = pkg.manifest;
  const base = {
    ...(m.task ? { task: { kind: m.task.kind, ...(m.task.classes ? { classes: m.task.classes } : {}) } } : {}),
    outputNames: outputNames(pkg),
    metrics: Object.fromEntries(Object.entries(m.metrics ?? {}).map(([k, v]) => [k.replace(/^train_/, ''), v])),
  };
  if (m.monitoring_profile) {
    const file = path.join(pkg.dir, m.monitoring_profile);
    const profile = parseMonitoringProfile(await readText(file), file);
    return { source: 'monitoring-profile', ...profile, ...base, description: `${label} (${m.monitoring_profile})` };
  }
  if (m.reference_profile) {
    const file = path.join(pkg.dir, m.reference_profile);
    const schema = parseSchema(await readText(file), file);
    const inputs = new Set(m.signature.inputs.map((c) => c.name));
    return { source: 'reference-profile', inputs: sectionFromSchema(schema, inputs), outputs: EMPTY, ...base, description: `${label} (${m.reference_profile}: binned statistics only)` };
  }
  return fail('INVALID_ARGUMENT', `${pkg.dir}: the model package has no monitoring-profile.json or reference profile to compare traffic with; retrain it with \`paddock train\` (which writes one)`, { path: pkg.dir });
}

function outputNames(pkg: ModelPackage): OutputNames {
  const t = pkg.manifest.task;
  const names = pkg.manifest.signature.outputs.map((o) => o.name);
  if (!t) return {};
  if (t.kind === 'regression') return { prediction: t.prediction ?? names[0] };
  const label = names.find((n) => n !== t.probabilities);
  return { ...(label ? { label } : {}), ...(t.probabilities ? { probabilities: t.probabilities } : {}) };
}

async function readText(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (err) {
    throw fromSystemError(err, file);
  }
}

/**
 * A profile holding a schema's statistics: bin counts on its histogram edges and counts of its
 * frequent values (the rest of a categorical column is unknown, so 'other' stays 0).
 */
export function sectionFromSchema(schema: DataSchema, columns: ReadonlySet<string>): ProfileSection {
  const picked: DataSchema = { ...schema, columns: Object.fromEntries(Object.entries(schema.columns).filter(([name]) => columns.has(name))) };
  const profile = new ProfileBuilder(specFromSchema(picked));
  let rows = 0;
  for (const spec of profile.spec.columns) {
    const stats = picked.columns[spec.name]!.stats;
    const column = profile.column(spec.name)!;
    if (column.kind === 'numeric') {
      const counts = stats?.histogram?.counts ?? [];
      if (counts.length !== column.bins.length) continue; // repeated edges were dropped: counts no longer line up
      setNumeric(column, counts);
      rows = Math.max(rows, column.count);
    } else {
      setCategorical(column, stats?.frequencies ?? {});
      rows = Math.max(rows, column.count);
    }
  }
  profile.rows = rows;
  return { profile, exact: new Map() };
}

function setNumeric(column: NumericProfile, counts: readonly number[]): void {
  column.bins.set(counts);
  const n = counts.reduce((a, b) => a + b, 0);
  column.count = n;
  column.valid = n;
}

function setCategorical(column: CategoricalProfile, frequencies: Readonly<Record<string, number>>): void {
  column.categories.forEach((c, i) => (column.counts[i] = frequencies[c] ?? 0));
  column.count = column.counts.reduce((a, b) => a + b, 0);
}
