/** The shapes of /api/v1/data, /data/history and /data/validations, declared once in src/http/api-v1/wire/data.ts. */
export type { DataHistory, DataItem, DataRevision, ValidationReportView as ValidationReport, ValidationSummary } from '../../../../src/http/api-v1/wire/data';

/** Bytes as B, KiB, MiB or GiB. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** The first characters of an md5 (without `.dir`), enough to tell versions apart. */
export function shortHash(md5: string | undefined): string {
  return md5 ? md5.replace(/\.dir$/, '').slice(0, 8) : '—';
}
