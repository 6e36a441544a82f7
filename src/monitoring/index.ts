/** Monitoring: the prediction log, column profiles, drift tests, performance, alerts. */
export * from './drift/index.js';
export * from './profiles/index.js';
export { SHADOW_VARIANT, type PredictionRecord, type LabelRecord, type LoggedPrediction, type PredictionQuery, type PredictionLogStore } from './prediction-log/prediction-log.js';
export { labelKeyOf, checkJoinWindow } from './prediction-log/label-key.js';
export { PredictionLogger, type PredictionLoggerOptions, type PredictionSink, type PredictionLogCounts } from './prediction-log/prediction-logger.js';
export { parseLabelItems, type LabelItem } from './prediction-log/label-items.js';
export * from './monitor/index.js';
export * from './alerts/index.js';
