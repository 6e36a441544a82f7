/** The monitoring API's answers as the pages read them, declared once in src/http/api-v1/wire/monitoring.ts. */
export type { Alert, AlertWindowValue, ChainLink, ColumnDrift, ColumnHistogram, DriftReport, MonitoringReport, MonitorWindow, Retraining } from '../../../../src/http/api-v1/wire/monitoring';
