import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openMetadataStore } from '../open-metadata-store.js';
import { SqlAlertStore } from './sql-alert-store.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'paddock-alerts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SqlAlertStore (SQLite)', () => {
  it('keeps each alert with the numbers that fired it, newest first', async () => {
    const meta = await openMetadataStore(`sqlite:${path.join(dir, 'p.db')}`, { root: dir, artifactsRoot: path.join(dir, 'a') });
    try {
      const store = new SqlAlertStore(meta);
      const base = { rule: 'drift', deployment: 'fraud', metric: 'dataset_drift', value: 0.75, condition: 'share ≥ 0.5', windows: [{ since: 0, until: 10, value: 0.6, samples: 500 }, { since: 10, until: 20, value: 0.75, samples: 480 }], retrain: ['flights'] };
      const a = await store.record({ ...base, kind: 'fired', at: 20 });
      const b = await store.record({ ...base, kind: 'cleared', at: 40, value: 0.1 });
      await store.record({ ...base, deployment: 'other', kind: 'fired', at: 50 });
      expect(b.id).toBeGreaterThan(a.id);
      const listed = await store.list({ deployment: 'fraud' });
      expect(listed.map((x) => x.kind)).toEqual(['cleared', 'fired']);
      expect(await store.get(a.id)).toEqual({ ...base, kind: 'fired', at: 20, id: a.id });
      expect(await store.list({ deployment: 'fraud', since: 30 })).toHaveLength(1);
    } finally {
      await meta.close();
    }
  });
});
