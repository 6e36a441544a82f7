/** Model packages: the paddock-model.yaml manifest, preprocessing, reading/writing and predicting. */
export { MANIFEST_FILE, manifestSchema, parseManifest, checkManifest, formatManifest, type ModelManifest, type ModelManifestInput, type SignatureColumn, type ColumnType, type PreprocessSpec, type ModelLineage, type ModelTask, type FeedLayout } from './manifest.js';
export { preprocess, preprocessTable, featureNames, type InputRow, type FeatureMatrix, type ColumnTable } from './preprocess.js';
export { readModelPackage, writeModelPackage, checkSignature, ONNX_TYPES, type ModelPackage } from './package-io.js';
export { rowMakerOf, rowReaderOf, type RowMaker, type RowReader } from './row-code.js';
export { predict, openPredictor, checkRows, columnFeeds, type Predictor, type PredictionRow, type PredictOptions } from './predict.js';
export { openPredictorThread } from './predictor-thread.js';
export { materializePackage, isModelUri, PACKAGE_CACHE_MARKER, type PackageSourceDeps, type MaterializedPackage } from './package-source.js';
export {
  registerPackage, packageSignature, parseStoredSignature, signatureDifferences, lineageTags, packageFiles, packageContentHash,
  type RegisterPackageInput, type RegisterPackageDeps, type PackageSignature,
} from './register-package.js';
