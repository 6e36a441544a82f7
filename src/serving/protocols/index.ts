/**
 * The model server's wire protocols as pure codecs (no HTTP): the Open Inference Protocol
 * (KServe V2), KServe V1 and MLflow's /invocations. Each decodes a request body into the
 * InputRow[] a predictor takes, with the same checks and 400s (INVALID_ARGUMENT) for all, and
 * encodes PredictionRow[] back in its own shape.
 */
export {
  decodeInferRequest, encodeInferResponse, encodeInferResponseJson, modelMetadata,
  type DecodedInferRequest, type InferOutputTensor, type InferResponse, type InferResponseArgs, type MetadataTensor, type ModelMetadata,
} from './open-inference.js';
export { decodeOneRowText } from './open-inference-text.js';
export { decodeV1Request, encodeV1Response, type V1Response } from './kserve-v1.js';
export { decodeInvocations, encodeInvocations, parseCsv, INVOCATION_FORMATS, type InvocationsResponse, type CsvRecord } from './mlflow-invocations.js';
export { OIP_DATATYPES, oipDatatype, acceptedDatatypes, isOipDatatype, readInteger, readTensorElement, type OipDatatype } from './datatypes.js';
export {
  rowsFromColumns, rowsFromInstances, coerceValue, checkColumnNames, describeInputs, predictionEntries, isPlainObject, show,
  type ColumnNaming, type Locate, type ValueLocation,
} from './rows.js';
