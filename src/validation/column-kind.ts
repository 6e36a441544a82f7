/** How a DuckDB column type is treated by inference and checks. */
export type ColumnKind = 'numeric' | 'string' | 'temporal' | 'boolean' | 'other';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/** The kind of a DuckDB type name (as DESCRIBE prints it). */
export function columnKind(type: string): ColumnKind {
  const t = type.toUpperCase();
  if (NUMERIC.test(t)) return 'numeric';
  if (t === 'VARCHAR') return 'string';
  if (t === 'DATE' || t.startsWith('TIMESTAMP') || t === 'TIME') return 'temporal';
  if (t === 'BOOLEAN') return 'boolean';
  return 'other';
}
