import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPaddockError } from './errors.js';
import { loadConfig } from './config.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function load(yaml: string) {
  dir = mkdtempSync(path.join(os.tmpdir(), 'paddock-config-monitoring-'));
  writeFileSync(path.join(dir, 'paddock.yaml'), yaml);
  return loadConfig(dir, { env: {} });
}

describe('monitoring: prediction_log and labels', () => {
  it('defaults: logging on, in the metadata database, every request, 30 days, a 72 h join window', () => {
    const { monitoring } = load('');
    expect(monitoring.prediction_log).toEqual({ enabled: true, store: 'metadata', sample_rate: 1, buffer_size: 100_000, flush_interval_ms: 1000, flush_rows: 5000, retention_days: 30 });
    expect(monitoring.labels).toEqual({ join_window_hours: 72, key_columns: {} });
  });

  it('reads the settings, with per-deployment key columns', () => {
    const { monitoring } = load('monitoring:\n  prediction_log:\n    store: parquet\n    sample_rate: 0.1\n  labels:\n    key_column: id\n    key_columns:\n      churn: customer\n');
    expect(monitoring.prediction_log).toMatchObject({ store: 'parquet', sample_rate: 0.1 });
    expect(monitoring.labels).toMatchObject({ key_column: 'id', key_columns: { churn: 'customer' } });
  });

  it('rejects a bad store, a sample rate above 1 and unknown keys, naming the key', () => {
    const error = (yaml: string) => {
      try {
        load(yaml);
      } catch (err) {
        if (isPaddockError(err, 'CONFIG_INVALID')) return err.message;
        throw err;
      }
      throw new Error('expected CONFIG_INVALID');
    };
    expect(error('monitoring:\n  prediction_log:\n    store: redis\n')).toContain('store');
    expect(error('monitoring:\n  prediction_log:\n    sample_rate: 2\n')).toContain('sample_rate');
    expect(error('monitoring:\n  prediction_log:\n    retention_day: 3\n')).toContain('retention_days');
  });
});
