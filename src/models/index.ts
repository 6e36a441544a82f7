/** Models: model packages, the ONNX runtime path, built-in trainers and evaluation. */
export {
  loadOnnxModel,
  formatShape,
  type OnnxModel,
  type OnnxValueInfo,
  type OnnxDim,
  type OnnxFeed,
  type OnnxFeedData,
  type OnnxResult,
} from './runtime/onnx-session.js';
export * from './package/index.js';
export * from './evaluation/index.js';
export {
  trainPackage, MODEL_FILE, PROFILE_FILE, MONITORING_PROFILE_FILE, type TrainPackageInput, type TrainPackageResult,
  type BuildMonitoringProfile, type MonitoredColumns, type MonitoredColumn,
} from './training/train-package.js';
export { parseTrainerParams, trainerParamsSchema, type TrainerParams } from './trainers/params.js';
export { ONNX_NAMES, type FittedModel, type Task } from './trainers/fitted-model.js';
export { reproducePackage, type ReproduceResult } from './training/reproduce-package.js';
