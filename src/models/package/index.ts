/** Model packages: the paddock-model.yaml manifest, preprocessing, reading/writing and predicting. */
export { MANIFEST_FILE, manifestSchema, parseManifest, checkManifest, formatManifest, type ModelManifest, type ModelManifestInput, type SignatureColumn, type ColumnType, type PreprocessSpec, type ModelLineage } from './manifest.js';
export { preprocess, featureNames, type InputRow, type FeatureMatrix } from './preprocess.js';
export { readModelPackage, writeModelPackage, checkSignature, ONNX_TYPES, type ModelPackage } from './package-io.js';
export { predict, checkRows, type PredictionRow, type PredictOptions } from './predict.js';
