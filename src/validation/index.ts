/** Data validation: schema inference, checks and reports over CSV, Parquet and JSON lines. */
export { inferSchema, describe, MAX_DOMAIN, BINS, QUANTILES } from './infer-schema.js';
export { validateData, MAX_EXAMPLES, type Anomaly, type AnomalyKind, type ValidationReport } from './validate-data.js';
export { readSchemaFile, parseSchema, formatSchema, dataSchemaSchema, type DataSchema, type ColumnSchema, type UserCheck, type Severity } from './schema-file.js';
export { renderReportHtml } from './report-html.js';
export { openSource, ident, VIEW, type Row, type DataSource, type ColumnarResult } from './engine.js';
export { columnKind, type ColumnKind } from './column-kind.js';
