/**
 * KServe V1 (the TensorFlow Serving REST predict API): `{"instances": [...]}` or
 * `{"inputs": [...]}` in, `{"predictions": [...]}` out, one entry per row.
 */
import { fail } from '../../core/errors.js';
import type { InputRow, ModelManifest, PredictionRow } from '../../models/index.js';
import { isPlainObject, predictionEntries, rowsFromColumns, rowsFromInstances, show } from './rows.js';

/** The V1 response body. */
export interface V1Response {
  readonly predictions: unknown[];
}

const EXAMPLE = '{"instances": [{"<column>": <value>, ...}, ...]}';

/**
 * Decodes a V1 predict body into rows. `instances` (or `inputs`, TF Serving's other name) is a
 * list, one entry per row: an object column → value, or a list of values in signature input
 * order (a wrong length names the instance index). `inputs` may also be TF Serving's columnar
 * form, an object column → list of values. Other keys (`signature_name`) are ignored, as KServe does.
 */
export function decodeV1Request(body: unknown, manifest: ModelManifest): InputRow[] {
  if (!isPlainObject(body)) fail('INVALID_ARGUMENT', `a V1 predict request must be a JSON object like ${EXAMPLE}; got ${show(body)}`, {});
  const hasInstances = body.instances !== undefined;
  const hasInputs = body.inputs !== undefined;
  if (hasInstances === hasInputs) {
    fail('INVALID_ARGUMENT', `a V1 predict request takes exactly one of 'instances' or 'inputs' (${hasInstances ? 'both were given' : 'neither was given'}), like ${EXAMPLE}`, { fields: ['instances', 'inputs'] });
  }
  const key = hasInstances ? 'instances' : 'inputs';
  const value = body[key];
  if (Array.isArray(value)) return rowsFromInstances(manifest, value, key);
  if (key === 'inputs' && isPlainObject(value)) {
    return rowsFromColumns(manifest, value, { noun: 'column', locate: (column, i) => ({ at: `inputs.${column}[${i}]`, details: { column, index: i } }) });
  }
  return fail('INVALID_ARGUMENT', `'${key}' must be a list with one entry per row${key === 'inputs' ? ' (or an object column → list of values)' : ''}, got ${show(value)}`, { field: key });
}

/** `{predictions}`: per row, the single output's value, or an object output → value when there are several. */
export function encodeV1Response(predictions: readonly PredictionRow[], manifest: ModelManifest): V1Response {
  return { predictions: predictionEntries(predictions, manifest) };
}
