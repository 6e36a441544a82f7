/**
 * Manifests and helpers shared by the protocol codec tests (not used by the server): a
 * classifier shaped like the quickstart's and a regressor, validated as a package would be.
 */
import { PaddockError } from '../../core/errors.js';
import { checkManifest, type ModelManifest, type ModelManifestInput } from '../../models/index.js';

/** The quickstart's flights classifier: four columns fed one per ONNX input, label + probabilities. */
export function flightsManifest(extra: Partial<ModelManifestInput> = {}): ModelManifest {
  return checkManifest({
    name: 'flights',
    flavor: 'onnx',
    model: 'model.onnx',
    signature: {
      inputs: [
        { name: 'hour', type: 'int64' },
        { name: 'weekday', type: 'int64' },
        { name: 'distance', type: 'double' },
        { name: 'origin', type: 'string' },
      ],
      feed: { layout: 'columns' },
      outputs: [
        { name: 'label', type: 'int64' },
        { name: 'probabilities', type: 'float' },
      ],
    },
    task: { kind: 'classification', target: 'delayed', classes: [0, 1], probabilities: 'probabilities' },
    ...extra,
  }, 'test');
}

/** A regressor over a preprocessed feature matrix: one float output. */
export function regressionManifest(): ModelManifest {
  return checkManifest({
    name: 'fare',
    flavor: 'onnx',
    model: 'model.onnx',
    signature: {
      inputs: [
        { name: 'distance', type: 'double' },
        { name: 'passengers', type: 'float' },
      ],
      feed: { tensor: 'features', layout: 'matrix' },
      outputs: [{ name: 'prediction', type: 'float' }],
    },
    task: { kind: 'regression', target: 'fare', prediction: 'prediction' },
  }, 'test');
}

/** Three flights rows, as every codec should decode its own encoding of them. */
export const FLIGHT_ROWS = [
  { hour: 6, weekday: 1, distance: 250, origin: 'ATL' },
  { hour: 18, weekday: 5, distance: 2475.5, origin: 'JFK' },
  { hour: 23, weekday: 7, distance: 96.25, origin: 'SEA, "gate" B' },
] as const;

/** Predictions of the flights model for FLIGHT_ROWS. */
export const FLIGHT_PREDICTIONS = [
  { label: 0, probabilities: [0.75, 0.25] },
  { label: 1, probabilities: [0.125, 0.875] },
  { label: 0, probabilities: [0.5, 0.5] },
] as const;

/** The PaddockError `fn` throws (synchronously); fails the test when it throws nothing or something else. */
export function thrown(fn: () => unknown): PaddockError {
  try {
    fn();
  } catch (err) {
    if (err instanceof PaddockError) return err;
    throw new Error(`expected a PaddockError, got: ${String(err)}`);
  }
  throw new Error('expected a PaddockError, but nothing was thrown');
}
