/** Monitoring: the prediction log, column profiles, drift tests, performance, alerts. */
export * from './drift/index.js';
export * from './profiles/index.js';
export type { PredictionRecord, LabelRecord, LoggedPrediction, PredictionQuery, PredictionLogStore } from './prediction-log/prediction-log.js';
