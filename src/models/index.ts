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
