// A DuckDB connection and a helper that returns plain row objects.
import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export async function connect() {
  const db = await DuckDBInstance.create(':memory:');
  return db.connect();
}

export async function rows(conn, sql) {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJS();
}

export function params(section) {
  return parse(readFileSync('params.yaml', 'utf8'))[section];
}

export function sqlString(s) {
  return `'${String(s).replaceAll("'", "''")}'`;
}
