import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPredictor, readModelPackage, writeModelPackage, type Predictor } from '../../models/index.js';
import { tempDir } from '../../test-support/cli.js';
import { decodeInferRequest, decodeInvocations, decodeV1Request, encodeInferResponse, encodeInvocations, encodeV1Response } from './index.js';

// Reference: scikit-learn's predict_proba of a Pipeline(ColumnTransformer, LogisticRegression) for
// 8 rows, and the skl2onnx graph of it (scripts/make-reference-models.py). Each protocol's request
// is decoded, run through the real predictor and encoded; the answer must be scikit-learn's.
const FIXTURES = path.resolve(import.meta.dirname, '../../../test/fixtures/models');
const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'sklearn-pipeline.expected.json'), 'utf8')) as {
  rows: { distance: number; hour: number; origin: string }[];
  labels: number[];
  probabilities: number[][];
};
const rows = expected.rows;
const n = rows.length;

const tmp = tempDir('paddock-protocols-');
let predictor: Predictor;

beforeAll(async () => {
  const dir = path.join(tmp.dir, 'pkg');
  await writeModelPackage(dir, {
    name: 'flights',
    flavor: 'onnx',
    model: 'model.onnx',
    signature: {
      inputs: [{ name: 'distance', type: 'float' }, { name: 'hour', type: 'int64' }, { name: 'origin', type: 'string' }],
      feed: { layout: 'columns' },
      outputs: [{ name: 'label', type: 'int64' }, { name: 'probabilities', type: 'float' }],
    },
    task: { kind: 'classification', target: 'delayed', classes: [0, 1], probabilities: 'probabilities' },
  }, { 'model.onnx': readFileSync(path.join(FIXTURES, 'sklearn-pipeline.onnx')) });
  predictor = await openPredictor(await readModelPackage(dir));
});

afterAll(async () => {
  await predictor.close();
  tmp.cleanup();
});

function expectReference(labels: readonly unknown[], probabilities: readonly (readonly number[])[]): void {
  expect(labels).toEqual(expected.labels);
  probabilities.forEach((p, i) => p.forEach((v, k) => expect(Math.abs(v - expected.probabilities[i]![k]!)).toBeLessThanOrEqual(1e-5)));
}

describe('each protocol end to end over a real model: decode → predict → encode', () => {
  it('Open Inference: tensors in, [N] labels and [N, 2] probabilities out', async () => {
    const request = {
      id: 'r1',
      inputs: [
        { name: 'distance', shape: [n, 1], datatype: 'FP32', data: rows.map((r) => [r.distance]) },
        { name: 'hour', shape: [n], datatype: 'INT64', data: rows.map((r) => String(r.hour)) },
        { name: 'origin', shape: [n], datatype: 'BYTES', data: rows.map((r) => r.origin) },
      ],
    };
    const decoded = decodeInferRequest(request, predictor.pkg.manifest);
    const predictions = await predictor.predict(decoded.rows);
    const response = encodeInferResponse({ modelName: 'flights', modelVersion: '1', id: decoded.id!, predictions, manifest: predictor.pkg.manifest });
    const [label, probabilities] = response.outputs;
    expect(label).toMatchObject({ name: 'label', shape: [n], datatype: 'INT64' });
    expect(probabilities).toMatchObject({ name: 'probabilities', shape: [n, 2], datatype: 'FP32' });
    const flat = probabilities!.data as number[];
    expectReference(label!.data, Array.from({ length: n }, (_, i) => flat.slice(2 * i, 2 * i + 2)));
  });

  it('KServe V1: instances in signature order in, one object per row out', async () => {
    const body = { instances: rows.map((r) => [r.distance, r.hour, r.origin]) };
    const { predictions } = encodeV1Response(await predictor.predict(decodeV1Request(body, predictor.pkg.manifest)), predictor.pkg.manifest);
    const out = predictions as { label: number; probabilities: number[] }[];
    expectReference(out.map((p) => p.label), out.map((p) => p.probabilities));
  });

  it('MLflow: a CSV body in, one object per row out', async () => {
    const csv = ['origin,hour,distance', ...rows.map((r) => `"${r.origin}",${r.hour},${r.distance}`)].join('\n');
    const { predictions } = encodeInvocations(await predictor.predict(decodeInvocations(csv, 'text/csv', predictor.pkg.manifest)), predictor.pkg.manifest);
    const out = predictions as { label: number; probabilities: number[] }[];
    expectReference(out.map((p) => p.label), out.map((p) => p.probabilities));
  });
});
