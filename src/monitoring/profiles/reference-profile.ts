/**
 * The reference profile of a data file (the training data of a model): bins and categories
 * are fitted here, once, by DuckDB over the whole file (quantile-based edges for numeric
 * columns, the most frequent values for categorical ones), then every row goes through a
 * ProfileBuilder on that spec. Windows of live traffic are later profiled on the same spec, so
 * their histograms and category counts compare with the reference's bin for bin.
 */
import { fail } from '../../core/errors.js';
import { nearest } from '../../core/nearest.js';
import { columnKind, describe, ident, openSource, VIEW, type DataSource } from '../../validation/index.js';
import { ProfileBuilder } from './profile-builder.js';
import { increasing, MAX_CATEGORIES, profileSpec, type ColumnSpec, type SketchOptions } from './profile-spec.js';

/** Default number of quantile bins of a numeric column. */
export const REFERENCE_BINS = 10;
/** Default number of categories counted exactly (the reference's most frequent). */
export const REFERENCE_CATEGORIES = 100;

/** How to profile the reference. */
export interface ReferenceProfileOptions {
  /** Columns to profile (default: every numeric, string and boolean column). */
  readonly columns?: readonly string[];
  /** Quantile bins per numeric column (edges at i/bins; repeated edges of discrete data collapse). */
  readonly bins?: number;
  /** Categories per categorical column kept for exact counting. */
  readonly categories?: number;
  readonly sketch?: Partial<SketchOptions>;
}

/** Reads `file` (CSV, Parquet, JSON lines) and returns its profile, whose spec holds the fitted bins and categories. */
export async function buildReferenceProfile(file: string, options: ReferenceProfileOptions = {}): Promise<ProfileBuilder> {
  const bins = options.bins ?? REFERENCE_BINS;
  const categories = options.categories ?? REFERENCE_CATEGORIES;
  if (!Number.isInteger(bins) || bins < 1 || bins > 1000) fail('INVALID_ARGUMENT', `reference profile: bins ${bins} is out of range; use an integer from 1 to 1000`, { bins });
  if (!Number.isInteger(categories) || categories < 0 || categories > MAX_CATEGORIES) fail('INVALID_ARGUMENT', `reference profile: categories ${categories} is out of range; use an integer from 0 to ${MAX_CATEGORIES}`, { categories });
  const source = await openSource(file);
  try {
    const picked = await pickColumns(source, options.columns);
    const specs = await fitColumns(source, picked, bins, categories);
    const builder = new ProfileBuilder(profileSpec(specs, options.sketch));
    const select = picked.map((c) => `CAST(${ident(c.name)} AS ${c.kind === 'numeric' ? 'DOUBLE' : 'VARCHAR'}) AS ${ident(c.name)}`);
    if (select.length === 0) return builder;
    const table = await source.columns(`SELECT ${select.join(', ')} FROM ${VIEW}`);
    builder.ingest(Object.fromEntries(table.names.map((n, i) => [n, table.columns[i]!])), table.rows);
    return builder;
  } finally {
    source.close();
  }
}

interface Picked {
  readonly name: string;
  readonly kind: 'numeric' | 'categorical';
}

async function pickColumns(source: DataSource, wanted: readonly string[] | undefined): Promise<Picked[]> {
  const described = await describe(source);
  const kindOf = (type: string): Picked['kind'] | undefined => {
    const kind = columnKind(type);
    return kind === 'numeric' ? 'numeric' : kind === 'string' || kind === 'boolean' ? 'categorical' : undefined;
  };
  if (!wanted || wanted.length === 0) return described.flatMap((c) => (kindOf(c.type) ? [{ name: c.name, kind: kindOf(c.type)! }] : []));
  const types = new Map(described.map((c) => [c.name, c.type]));
  return wanted.map((name) => {
    const type = types.get(name);
    if (type === undefined) {
      const near = nearest(name, [...types.keys()]);
      fail('INVALID_ARGUMENT', `${source.file}: no column '${name}'${near ? ` — did you mean '${near}'?` : ''} (columns: ${[...types.keys()].join(', ')})`, { file: source.file, column: name });
    }
    const kind = kindOf(type);
    if (!kind) fail('INVALID_ARGUMENT', `${source.file}: column '${name}' is ${type}, which a profile cannot hold; profile numbers, strings or booleans (derive them from it first)`, { file: source.file, column: name });
    return { name, kind };
  });
}

/** Quantile edges of every numeric column in one pass, then each categorical column's most frequent values. */
async function fitColumns(source: DataSource, picked: readonly Picked[], bins: number, categories: number): Promise<ColumnSpec[]> {
  const probabilities = Array.from({ length: bins + 1 }, (_, i) => i / bins);
  const numeric = picked.filter((c) => c.kind === 'numeric');
  const parts = numeric.map((c, i) => `quantile_disc(CAST(${ident(c.name)} AS DOUBLE), [${probabilities.join(', ')}]) AS e${i}`);
  const edges = parts.length ? (await source.query(`SELECT ${parts.join(', ')} FROM ${VIEW}`))[0]! : {};
  const specs: ColumnSpec[] = [];
  for (const c of picked) {
    if (c.kind === 'numeric') {
      const raw = edges[`e${numeric.indexOf(c)}`];
      specs.push({ name: c.name, kind: 'numeric', edges: Array.isArray(raw) ? increasing(raw.map(Number)) : [] });
    } else {
      const col = ident(c.name);
      const rows = categories === 0 ? [] : await source.query(`SELECT CAST(${col} AS VARCHAR) AS v, count(*) AS n FROM ${VIEW} WHERE ${col} IS NOT NULL GROUP BY 1 ORDER BY n DESC, v LIMIT ${categories}`);
      specs.push({ name: c.name, kind: 'categorical', categories: rows.map((r) => String(r.v)) });
    }
  }
  return specs;
}
