/** Monitoring a deployment: its reference, windows of its traffic against it (drift, performance, CBPE, latency), the loop and the HTML report. */
export { referenceFromPackage, sectionFromSchema, type MonitorReference, type OutputNames } from './reference.js';
export { profileDrift, fromSketch, MAX_SAMPLE, OTHER_CATEGORY, type ProfileDriftReport, type ProfileColumnDrift } from './profile-drift.js';
export { estimatePerformance, expectedAuc, type EstimatedPerformance } from './cbpe.js';
export { PerformanceAccumulator, outputProbabilities, outputPrediction, type WindowPerformance, type RealizedPerformance } from './window-performance.js';
export { monitorWindow, monitorSeries, type MonitorWindowInput, type WindowResult, type RequestOutcomes } from './monitor-window.js';
export { startMonitoring, type StartMonitoringOptions, type Monitoring } from './monitoring-loop.js';
export { DroppedCounter } from './dropped-counter.js';
export { renderMonitorHtml, type MonitorReportPage } from './report-html.js';
export { monitorReport, type MonitorReportInput, type MonitorReport, type ReportAlert } from './monitor-report.js';
