import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import { buildMonitoringProfile } from '../../app-model-packages.js';
import { parseSchema } from '../../validation/index.js';
import { evaluatePackage } from '../evaluation/evaluate-package.js';
import { featureNames, predict, preprocess, preprocessTable, readModelPackage, type InputRow } from '../package/index.js';
import type { Task } from '../trainers/fitted-model.js';
import { parseTrainerParams, type TrainerParamsInput } from '../trainers/params.js';
import { scoreModel } from '../trainers/score.js';
import { readTrainingTable } from './read-training-table.js';
import { MODEL_FILE, PROFILE_FILE, trainPackage, type TrainPackageInput, type TrainPackageResult } from './train-package.js';
import { prng } from '../../test-support/prng.js';

const FEATURES = ['x_float', 'x_int', 'color', 'x_gap'] as const;
const COLORS = ['red', 'green', 'blue'] as const;
const CLASSES = ['alpha', 'beta', 'gamma'] as const;
const N = 240;

interface DataRow extends Record<string, unknown> {
  x_float: number;
  x_int: number | null;
  color: string | null;
  x_gap: number | null;
  y_reg: number;
  y_bin: number;
  y_multi: string;
}

/** Rows with a float, an integer, a category and a column with gaps; three targets derived from them. */
function generate(n: number): DataRow[] {
  const rnd = prng(42);
  return Array.from({ length: n }, (_, i) => {
    const x_float = Math.round((rnd() * 4 - 2) * 1000) / 1000;
    const x_int = i % 17 === 5 ? null : Math.floor(rnd() * 21);
    const color = i % 13 === 3 ? null : COLORS[Math.floor(rnd() * 3)]!;
    const x_gap = i % 7 === 2 ? null : Math.round(rnd() * 1000) / 100;
    const effect = color === 'red' ? 1 : color === 'green' ? -1 : 0;
    const noise = rnd() - 0.5;
    const signal = 2 * x_float + 0.15 * (x_int ?? 10) - 1.5 + effect + 0.1 * (x_gap ?? 5) - 0.5;
    return {
      x_float, x_int, color, x_gap,
      y_reg: Math.round((signal + noise) * 1e4) / 1e4,
      y_bin: signal + 2 * noise > 0 ? 1 : 0,
      y_multi: CLASSES[signal + noise < -1 ? 0 : signal + noise < 1.2 ? 1 : 2]!,
    };
  });
}

function toCsv(rows: readonly Record<string, unknown>[]): string {
  const cols = Object.keys(rows[0]!);
  return `${cols.join(',')}\n${rows.map((r) => cols.map((c) => (r[c] === null ? '' : String(r[c]))).join(',')).join('\n')}\n`;
}

let tmp = '';
let dataFile = '';
const rows = generate(N);
const featureRows: InputRow[] = rows.map((r) => Object.fromEntries(FEATURES.map((f) => [f, r[f]])));
let counter = 0;
const outDir = () => path.join(tmp, `pkg-${++counter}`);

const TARGET: Record<Task | 'binary', string> = { regression: 'y_reg', classification: 'y_multi', binary: 'y_bin' };

function input(kind: Task | 'binary', params: TrainerParamsInput, over: Partial<TrainPackageInput> = {}): TrainPackageInput {
  return {
    data: dataFile, task: kind === 'binary' ? 'classification' : kind, target: TARGET[kind], features: [...FEATURES],
    params: parseTrainerParams(params, 'test'), name: `m-${kind}`, outDir: outDir(), lineage: {}, producerVersion: '0.0.0-test', ...over, buildMonitoringProfile,
  };
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'paddock-train-package-'));
  dataFile = path.join(tmp, 'train.csv');
  writeFileSync(dataFile, toCsv(rows));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const algorithms = [
  { algorithm: 'linear' as const },
  { algorithm: 'gbdt' as const, n_estimators: 25, max_depth: 3, min_samples_leaf: 5 },
];
const kinds = ['regression', 'binary', 'classification'] as const;

describe('trainPackage: the ONNX package predicts what the trainer scored', () => {
  for (const params of algorithms) {
    for (const kind of kinds) {
      it(`${params.algorithm} ${kind}: ONNX outputs equal the JS scorer to 1e-5`, async () => {
        const result = await trainPackage(input(kind, params));
        const pkg = await readModelPackage(result.pkg.dir);
        const spec = pkg.manifest.preprocess!;
        const table = await readTrainingTable(dataFile, TARGET[kind], [...FEATURES]);
        const matrix = preprocessTable(table, spec, [...FEATURES]);
        expect(matrix.width).toBe(result.model.features);
        const js = scoreModel(result.model, matrix.data, matrix.rows);
        const onnx = await predict(pkg, featureRows);
        expect(onnx).toHaveLength(N);
        if (kind === 'regression') {
          onnx.forEach((p, i) => expect(Math.abs(Number(p.prediction) - js.prediction![i]!)).toBeLessThan(1e-5 * Math.max(1, Math.abs(js.prediction![i]!))));
          // The fit is real, not a constant: the prediction follows the target.
          expect(result.metrics.train_r2).toBeGreaterThan(0.8);
          return;
        }
        const classes = pkg.manifest.task!.classes!;
        const k = classes.length;
        expect(k).toBe(kind === 'binary' ? 2 : 3);
        expect(classes).toEqual(kind === 'binary' ? [0, 1] : [...CLASSES]);
        onnx.forEach((p, i) => {
          const probs = p.probabilities as readonly number[];
          expect(probs).toHaveLength(k);
          for (let j = 0; j < k; j++) expect(Math.abs(probs[j]! - js.probabilities![i * k + j]!)).toBeLessThan(1e-5);
          const best = probs.indexOf(Math.max(...probs));
          expect(p.label).toBe(classes[best]);
        });
        expect(result.metrics.train_accuracy).toBeGreaterThan(kind === 'binary' ? 0.75 : 0.65);
      });
    }
  }
});

describe('trainPackage: determinism', () => {
  const bytes = (r: TrainPackageResult) => readFileSync(path.join(r.pkg.dir, MODEL_FILE));
  const sampled = { algorithm: 'gbdt' as const, n_estimators: 15, max_depth: 3, min_samples_leaf: 5, subsample: 0.6, colsample: 0.75 };

  it('the same data, params and seed give a byte-identical model.onnx; another seed (with subsampling) does not', async () => {
    const a = await trainPackage(input('classification', { ...sampled, seed: 11 }));
    const b = await trainPackage(input('classification', { ...sampled, seed: 11 }));
    const c = await trainPackage(input('classification', { ...sampled, seed: 12 }));
    expect(Buffer.compare(bytes(a), bytes(b))).toBe(0);
    expect(Buffer.compare(bytes(a), bytes(c))).not.toBe(0);
  });

  it('linear models are byte-identical across trainings too', async () => {
    const a = await trainPackage(input('binary', { algorithm: 'linear' }));
    const b = await trainPackage(input('binary', { algorithm: 'linear' }));
    expect(Buffer.compare(bytes(a), bytes(b))).toBe(0);
  });
});

describe('trainPackage: the manifest', () => {
  it('declares typed inputs, the task, an input example, a parseable reference profile and the given lineage', async () => {
    const lineage = {
      run_id: 'run-123', data_hashes: { 'data/train.csv': 'd41d8cd98f00b204e9800998ecf8427e' },
      params: { task: 'classification', target: 'y_multi', seed: 3 }, git_commit: 'a'.repeat(40), paddock_version: '9.9.9', node_version: 'v20.0.0',
    };
    const result = await trainPackage(input('classification', { algorithm: 'linear' }, { lineage, name: 'penguin-ish' }));
    const { manifest } = await readModelPackage(result.pkg.dir);
    expect(manifest.name).toBe('penguin-ish');
    expect(manifest.signature.inputs).toEqual([
      { name: 'x_float', type: 'double' }, { name: 'x_int', type: 'int64' }, { name: 'color', type: 'string' }, { name: 'x_gap', type: 'double' },
    ]);
    expect(manifest.signature.outputs.map((o) => [o.name, o.type])).toEqual([['label', 'string'], ['probabilities', 'float']]);
    expect(manifest.task).toEqual({ kind: 'classification', target: 'y_multi', classes: [...CLASSES], probabilities: 'probabilities' });
    expect(manifest.input_example).toEqual(featureRows.slice(0, 3));
    expect(manifest.lineage).toEqual(lineage);
    expect(Object.keys(manifest.metrics ?? {}).sort()).toEqual(['train_accuracy', 'train_log_loss', 'train_roc_auc']);

    expect(manifest.reference_profile).toBe(PROFILE_FILE);
    const profileFile = path.join(result.pkg.dir, PROFILE_FILE);
    const profile = parseSchema(readFileSync(profileFile, 'utf8'), profileFile);
    expect(Object.keys(profile.columns)).toEqual(['x_float', 'x_int', 'color', 'x_gap', 'y_reg', 'y_bin', 'y_multi']);
    expect(profile.columns.x_int!.type).toBe('BIGINT');
    expect(profile.columns.color!.type).toBe('VARCHAR');

    const reg = await trainPackage(input('regression', { algorithm: 'gbdt', n_estimators: 5 }));
    expect(reg.pkg.manifest.task).toEqual({ kind: 'regression', target: 'y_reg', prediction: 'prediction' });
    expect(reg.pkg.manifest.signature.outputs).toEqual([{ name: 'prediction', type: 'float' }]);
    const bin = await trainPackage(input('binary', { algorithm: 'gbdt', n_estimators: 5 }));
    expect(bin.pkg.manifest.signature.outputs.map((o) => [o.name, o.type])).toEqual([['label', 'int64'], ['probabilities', 'float']]);
  });
});

describe('trainPackage: boolean features', () => {
  it('are declared int64 and read as 0/1, so evaluating on the training file works', async () => {
    const data = path.join(tmp, 'flags.csv');
    writeFileSync(data, toCsv(rows.map((r) => ({ flag: r.y_bin === 1 ? r.x_float > -1.5 : r.x_float > 1.5, x_float: r.x_float, y: r.y_bin }))));
    const result = await trainPackage(input('binary', { algorithm: 'linear' }, { data, target: 'y', features: ['flag', 'x_float'] }));
    expect(result.pkg.manifest.signature.inputs).toEqual([{ name: 'flag', type: 'int64' }, { name: 'x_float', type: 'double' }]);
    expect(result.pkg.manifest.input_example!.every((r) => r.flag === 0 || r.flag === 1)).toBe(true);
    const evaluated = await evaluatePackage({ pkg: result.pkg, data, latencySamples: 1 });
    expect(evaluated.metrics.accuracy).toBeCloseTo(result.metrics.train_accuracy!, 6);
  });
});

describe('trainPackage: preprocessing', () => {
  it('one-hot encodes categories, imputes nulls (mean / most frequent), scales only for linear models', async () => {
    const linear = await trainPackage(input('binary', { algorithm: 'linear' }));
    const spec = linear.pkg.manifest.preprocess!;
    expect(spec.one_hot).toEqual({ color: ['blue', 'green', 'red'] });
    expect(featureNames(spec, [...FEATURES])).toEqual(['x_float', 'x_int', 'color=blue', 'color=green', 'color=red', 'x_gap']);
    const present = rows.filter((r) => r.x_gap !== null).map((r) => r.x_gap!);
    expect(spec.impute.x_gap).toEqual({ strategy: 'mean', value: expect.closeTo(present.reduce((a, b) => a + b, 0) / present.length, 9) });
    const counts = new Map<string, number>();
    rows.forEach((r) => r.color !== null && counts.set(r.color, (counts.get(r.color) ?? 0) + 1));
    const mostFrequent = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    expect(spec.impute.color).toEqual({ strategy: 'constant', value: mostFrequent });
    expect(spec.impute.x_int?.strategy).toBe('mean');
    expect(spec.impute.x_float).toBeUndefined();
    expect(Object.keys(spec.scale).sort()).toEqual(['x_float', 'x_gap', 'x_int']);
    const trees = await trainPackage(input('binary', { algorithm: 'gbdt', n_estimators: 5 }));
    expect(trees.pkg.manifest.preprocess!.scale).toEqual({});
  });

  for (const params of algorithms) {
    it(`${params.algorithm}: a row with nulls, or an unseen category, is predicted as its imputed / all-zero encoding`, async () => {
      const result = await trainPackage(input('classification', params));
      const spec = result.pkg.manifest.preprocess!;
      const withNulls: InputRow = { x_float: 0.5, x_int: null, color: null, x_gap: null };
      const filled: InputRow = { x_float: 0.5, x_int: spec.impute.x_int!.value, color: spec.impute.color!.value, x_gap: spec.impute.x_gap!.value };
      const unseen: InputRow = { x_float: 0.5, x_int: 4, color: 'purple', x_gap: 1.5 };
      const [a, c] = await predict(result.pkg, [withNulls, unseen]);
      // Nulls become the stored statistics (x_int's mean is not an integer, so the filled row
      // only exists as a matrix: predict would rightly refuse 9.65 for an int64 column).
      const nulls = preprocess([withNulls], spec, [...FEATURES]);
      expect(Array.from(nulls.data)).toEqual(Array.from(preprocess([filled], spec, [...FEATURES]).data));
      // 'purple' encodes as zeros in every color column.
      const purple = preprocess([unseen], spec, [...FEATURES]);
      expect(Array.from(purple.data.slice(2, 5))).toEqual([0, 0, 0]);
      for (const [row, m] of [[a!, nulls], [c!, purple]] as const) {
        const js = scoreModel(result.model, m.data, 1).probabilities!;
        (row.probabilities as number[]).forEach((p, j) => expect(Math.abs(p - js[j]!)).toBeLessThan(1e-5));
      }
    });
  }
});

describe('trainPackage: an existing package', () => {
  it('is refused (ALREADY_EXISTS) before the data is even read, and replaced with replace: true', async () => {
    const first = await trainPackage(input('regression', { algorithm: 'linear' }));
    const before = readFileSync(path.join(first.pkg.dir, MODEL_FILE));
    const err = await trainPackage(input('regression', { algorithm: 'linear' }, { outDir: first.pkg.dir, data: path.join(tmp, 'no-such.csv') })).catch((e: unknown) => e);
    expect(isPaddockError(err, 'ALREADY_EXISTS'), String(err)).toBe(true);
    expect(readFileSync(path.join(first.pkg.dir, MODEL_FILE)).equals(before)).toBe(true);
    const replaced = await trainPackage(input('regression', { algorithm: 'gbdt', n_estimators: 3 }, { outDir: first.pkg.dir, replace: true }));
    expect(readFileSync(path.join(replaced.pkg.dir, MODEL_FILE)).equals(before)).toBe(false);
    expect(readdirSync(tmp).filter((f) => f.includes('.tmp'))).toEqual([]);
  });
});

describe('trainPackage: bad input fails with INVALID_ARGUMENT and writes nothing', () => {
  async function rejects(over: Partial<TrainPackageInput>, kind: Task | 'binary', message: RegExp, details: Record<string, unknown>): Promise<void> {
    const where = outDir();
    const before = readdirSync(tmp).length;
    const err = await trainPackage(input(kind, { algorithm: 'gbdt', n_estimators: 3 }, { ...over, outDir: where })).then(() => undefined, (e: unknown) => e);
    expect(isPaddockError(err, 'INVALID_ARGUMENT'), String(err)).toBe(true);
    expect((err as Error).message).toMatch(message);
    expect((err as { details: Record<string, unknown> }).details).toMatchObject(details);
    expect(existsSync(where)).toBe(false);
    expect(readdirSync(tmp).length).toBe(before);
  }
  function file(name: string, text: string): string {
    const full = path.join(tmp, name);
    writeFileSync(full, text);
    return full;
  }

  it('a missing target column is named, with the nearest existing column suggested', async () => {
    await rejects({ target: 'y_mult' }, 'classification', /no target column 'y_mult' — did you mean 'y_multi'\?/, { file: dataFile, column: 'y_mult' });
  });

  it('a missing feature column is named', async () => {
    await rejects({ features: ['x_float', 'colour'] }, 'regression', /no feature column 'colour' — did you mean 'color'\?/, { column: 'colour' });
  });

  it('a target with one class, or with non-integer numeric labels, is refused', async () => {
    const one = file('one-class.csv', toCsv(rows.map((r) => ({ x_float: r.x_float, y: 1 }))));
    await rejects({ data: one, target: 'y', features: ['x_float'] }, 'binary', /target column 'y' has only one class \(1\)/, { column: 'y' });
    const frac = file('fractional.csv', toCsv(rows.map((r, i) => ({ x_float: r.x_float, y: i % 2 === 0 ? 0.5 : 1.5 }))));
    await rejects({ data: frac, target: 'y', features: ['x_float'] }, 'binary', /target column 'y' has the non-integer label 0\.5/, { column: 'y' });
  });

  it('a data file that does not parse is named', async () => {
    const parquet = file('garbage.parquet', 'this is not parquet, just text pretending to be');
    await rejects({ data: parquet }, 'regression', /garbage\.parquet: cannot read the data/, { file: parquet });
    // A value the CSV sniffer's sample did not see breaks the read itself, past the first 20,480 rows.
    const lines = Array.from({ length: 21_000 }, (_, i) => `${i % 97},${i % 2}`);
    const broken = file('broken.csv', `a,y\n${lines.join('\n')}\nnot-a-number,1\n`);
    await rejects({ data: broken, target: 'y', features: ['a'] }, 'binary', /broken\.csv: cannot read the data: .*Line/, { file: broken });
  });
});
