/** Model evaluation: metrics, slices, promotion gates and the HTML report of `paddock evaluate`. */
export {
  classificationMetrics,
  MAX_CURVE_POINTS,
  type ClassificationInput,
  type ClassificationEvaluation,
  type ClassMetrics,
  type RocPoint,
  type PrPoint,
  type CalibrationBin,
} from './classification-metrics.js';
export { regressionMetrics, MAX_RESIDUAL_POINTS, type RegressionInput, type RegressionEvaluation, type ResidualPoint } from './regression-metrics.js';
export { sliceMetrics, MISSING_SLICE, OTHER_SLICE, NUMERIC_CATEGORY_LIMIT, type SliceOptions, type SliceResult } from './slices.js';
export {
  parseGate,
  evaluateGate,
  evaluateGates,
  METRIC_ALIASES,
  type Gate,
  type GateExpr,
  type GateContext,
  type GateResult,
  type ComparisonOp,
} from './gates.js';
export { renderEvaluationHtml, formatMetric, type EvaluationReport } from './report-html.js';
export { renderXyChart, type XyChart, type XySeries } from './svg-charts.js';
export { evaluatePackage, type EvaluateInput, type EvaluationResult, type ColumnSlices } from './evaluate-package.js';
