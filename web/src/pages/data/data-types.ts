/** The shapes of /api/v1/data, /data/history and /data/validations (src/http/api-v1/data-versions.ts, data-validations.ts). */
export interface DataItem {
  readonly path: string;
  readonly source: 'dvc' | 'pipeline';
  readonly file: string;
  readonly stage?: string;
  readonly md5?: string;
  readonly size?: number;
  readonly nfiles?: number;
  readonly isDir: boolean;
}

export interface DataRevision {
  readonly commit?: string;
  readonly time?: number;
  readonly author?: string;
  readonly subject?: string;
  readonly md5?: string;
  readonly size?: number;
  readonly nfiles?: number;
}

export interface DataHistory {
  readonly item: DataItem;
  readonly git: boolean;
  readonly revisions: readonly DataRevision[];
}

export interface ValidationSummary {
  readonly runId: string;
  readonly data: string;
  readonly md5: string;
  readonly passed: boolean;
  readonly rows?: number;
  readonly checks?: number;
  readonly errors?: number;
  readonly warnings?: number;
  readonly time: number;
  readonly report?: string;
}

export interface ValidationReport {
  readonly path: string;
  readonly html: string;
  readonly size: number;
  readonly modified: number;
}

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
