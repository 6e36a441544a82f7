import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPaddockError } from '../core/errors.js';
import { tempDir } from '../test-support/cli.js';
import { inferSchema, parseSchema, readSchemaFile, validateData, type Anomaly } from './index.js';

const tmp = tempDir('paddock-validation-');
afterAll(() => tmp.cleanup());
const file = (name: string, text: string) => {
  const p = path.join(tmp.dir, name);
  writeFileSync(p, text);
  return p;
};

// A generated table whose statistics the test computes itself from the same rows.
const CITIES = ['Berlin', 'Paris', 'Rome'];
const N = 200;
const rows = Array.from({ length: N }, (_, i) => ({
  id: i + 1,
  score: Math.round(((i * 37) % 101) * 0.25 * 100) / 100,
  city: CITIES[(i * 7 + (i >> 2)) % 3]!,
  note: i % 10 === 0 ? null : `n${i % 7}`,
}));
const csv = ['id,score,city,note', ...rows.map((r) => `${r.id},${r.score},${r.city},${r.note ?? ''}`)].join('\n') + '\n';

/** Linear-interpolation quantile (Hyndman & Fan type 7, what quantile_cont computes). */
function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  return sorted[lo]! + (h - lo) * ((sorted[Math.min(lo + 1, sorted.length - 1)] ?? 0) - sorted[lo]!);
}

describe('inferSchema', () => {
  it('infers types, nullability, ranges, domains, uniqueness and drift statistics', async () => {
    const schema = await inferSchema(file('gen.csv', csv));
    const scores = rows.map((r) => r.score).sort((a, b) => a - b);
    const [lo, hi] = [scores[0]!, scores[scores.length - 1]!];
    expect(Object.keys(schema.columns)).toEqual(['id', 'score', 'city', 'note']);
    const { id, score, city, note } = schema.columns as Record<string, (typeof schema.columns)[string]>;
    expect(id).toMatchObject({ type: 'BIGINT', nullable: false, max_missing: 0, min: 1, max: N, unique: true });
    expect(score).toMatchObject({ type: 'DOUBLE', nullable: false, min: lo, max: hi, unique: false });
    expect(score!.stats!.quantiles!.p50).toBeCloseTo(quantile(scores, 0.5), 9);
    expect(score!.stats!.quantiles!.p01).toBeCloseTo(quantile(scores, 0.01), 9);
    expect(score!.stats!.quantiles!.p99).toBeCloseTo(quantile(scores, 0.99), 9);
    const width = (hi - lo) / 10;
    const expectedBins = new Array<number>(10).fill(0);
    for (const s of scores) expectedBins[Math.min(9, Math.floor((s - lo) / width))]! += 1;
    expect(score!.stats!.histogram!.counts).toEqual(expectedBins);
    expect(score!.stats!.histogram!.edges[0]).toBeCloseTo(lo, 6);
    expect(score!.stats!.histogram!.edges[10]).toBeCloseTo(hi, 6);
    expect(city!.domain).toEqual([...new Set(rows.map((r) => r.city))].sort());
    for (const c of CITIES) expect(city!.stats!.frequencies![c]).toBeCloseTo(rows.filter((r) => r.city === c).length / N, 6);
    const missing = rows.filter((r) => r.note === null).length / N;
    expect(note!.nullable).toBe(true);
    expect(note!.max_missing).toBeGreaterThanOrEqual(missing);
    expect(note!.max_missing).toBeLessThanOrEqual(missing * 1.2);
    expect(note!.domain).toHaveLength(7);
  });

  it('reads JSON lines and rejects unknown formats and unreadable files, naming the file', async () => {
    const jsonl = file('d.jsonl', rows.slice(0, 5).map((r) => JSON.stringify(r)).join('\n') + '\n');
    expect(Object.keys((await inferSchema(jsonl)).columns)).toEqual(['id', 'score', 'city', 'note']);
    const xlsx = file('d.xlsx', 'x');
    await expect(inferSchema(xlsx)).rejects.toSatisfy((e) => isPaddockError(e, 'INVALID_ARGUMENT') && e.message.includes(xlsx));
    const broken = file('broken.parquet', 'this is not parquet');
    await expect(inferSchema(broken)).rejects.toSatisfy((e) => isPaddockError(e, 'INVALID_ARGUMENT') && e.message.includes(broken));
    await expect(inferSchema(path.join(tmp.dir, 'nope.csv'))).rejects.toSatisfy((e) => isPaddockError(e, 'PATH_NOT_FOUND'));
  });
});

const BAD_SCHEMA = `rows: {min: 1, max: 5}
key: [id]
columns:
  id: {type: BIGINT, nullable: false}
  score: {type: DOUBLE, min: 0, max: 10, max_missing: 0}
  city: {type: VARCHAR, domain: [Berlin, Paris], severity: warning}
  note: {type: VARCHAR}
  day: {type: BIGINT}
checks:
  - {name: city-code, column: city, regex: '^[A-Z][a-z]+$'}
  - {name: score-sum, sql: 'score < 9.5', severity: warning}
  - {name: id-range, column: id, between: [1, 200]}
  - {name: known, column: city, in_set: [Berlin, Paris, Rome]}
`;
const BAD_DATA = `id,score,city,day,extra
1,1.5,Berlin,mon,x
2,,Paris,tue,x
2,11,Rome,wed,x
3,-1,berlin,thu,x
4,9.9,Paris,fri,x
400,5,Paris,sat,x
`;

describe('validateData', () => {
  it('reports every anomaly kind at once with counts and examples', async () => {
    const report = await validateData(file('bad.csv', BAD_DATA), parseSchema(BAD_SCHEMA, 'schema.yaml'));
    const summary = (a: Anomaly) => `${a.severity} ${a.kind} ${a.check ?? a.column ?? ''} ${a.count}`;
    expect(report.anomalies.map(summary).sort()).toEqual(
      [
        'error missing_column note 1',
        'error type_change day 1',
        'error new_column extra 1',
        'error row_count  6',
        'error nulls score 1',
        'error out_of_range score 2',
        'warning unseen_category city 2',
        'error duplicate_keys id 2',
        'error user_check city-code 1',
        'warning user_check score-sum 2',
        'error user_check id-range 1',
        'error user_check known 1',
      ].sort(),
    );
    expect(report).toMatchObject({ rows: 6, passed: false, errors: 10, warnings: 2 });
    const byKind = (k: string) => report.anomalies.find((a) => a.kind === k)!;
    expect(byKind('duplicate_keys').examples.map((e) => e.id)).toEqual([2, 2]);
    expect(byKind('out_of_range').examples.map((e) => e.score).sort()).toEqual([-1, 11]);
    expect(byKind('unseen_category').examples.map((e) => e.city).sort()).toEqual(['Rome', 'berlin']);
  });

  it('passes a file against its own inferred schema; warnings alone do not fail it', async () => {
    const data = file('good.csv', csv);
    const schema = await inferSchema(data);
    expect((await validateData(data, schema)).anomalies).toEqual([]);
    const strict = { ...schema, checks: [{ severity: 'warning' as const, column: 'score', between: [0, 1] as [number, number] }] };
    const report = await validateData(data, strict);
    expect(report.passed).toBe(true);
    expect(report.warnings).toBe(1);
    expect(report.anomalies[0]!.count).toBe(rows.filter((r) => r.score > 1).length);
  });

  it('rejects a user SQL check that does not compile, naming the check', async () => {
    const schema = parseSchema('columns: {id: {type: BIGINT}}\nchecks:\n  - {name: bad-sql, sql: "nosuch > 1"}\n', 's.yaml');
    await expect(validateData(file('ids.csv', 'id\n1\n'), schema)).rejects.toSatisfy((e) => isPaddockError(e, 'INVALID_ARGUMENT') && e.message.includes('bad-sql'));
  });
});

describe('schema file', () => {
  it('rejects an unknown key with file:line and the nearest key', () => {
    const p = file('typo.yaml', 'columns:\n  id:\n    type: BIGINT\n    nulable: false\n');
    expect(() => readSchemaFile(p)).toThrow(`${p}:4: unknown key 'columns.id.nulable'; did you mean 'nullable'?`);
    const q = file('typo2.yaml', 'columns: {}\nchecks:\n  - column: id\n    regexp: x\n');
    expect(() => readSchemaFile(q)).toThrow(/typo2\.yaml:4: unknown key 'checks\.0\.regexp'; did you mean 'regex'\?/);
  });
});
