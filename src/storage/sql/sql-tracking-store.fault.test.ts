import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/cli.js';
import { MIGRATIONS } from './migrations/index.js';
import { openMetadataStore } from './open-metadata-store.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const WRITER = path.join(HERE, 'test-fixtures/metric-writer.ts');
// An absolute loader path: `--import tsx` would resolve from the child's cwd (a temp dir).
const TSX = pathToFileURL(path.resolve(HERE, '../../../node_modules/tsx/dist/loader.mjs')).href;

function start(cwd: string, args: readonly string[]): { child: ChildProcess; lines: string[]; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', TSX, WRITER, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  child.stdout!.on('data', (d: Buffer) => lines.push(...d.toString().split('\n').filter(Boolean)));
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(err);
    resolve(code);
  }));
  return { child, lines, exit };
}

describe('SQLite store under real processes', () => {
  let tmp: { dir: string; cleanup: () => void };
  const uri = 'sqlite:.paddock/paddock.db';
  beforeEach(() => {
    tmp = tempDir('paddock-sql-fault-');
  });
  afterEach(() => tmp.cleanup());

  it('eight processes opening a new database at once migrate it once', async () => {
    const procs = Array.from({ length: 8 }, () => start(tmp.dir, [uri, 'open']));
    expect(await Promise.all(procs.map((p) => p.exit))).toEqual(Array(8).fill(0));
    const db = new Database(path.join(tmp.dir, '.paddock/paddock.db'), { readonly: true });
    expect(db.prepare('select name from paddock_migrations order by name').all()).toEqual(MIGRATIONS.map((m) => ({ name: m.name })));
    expect(db.prepare("select count(*) as n from experiments where name = 'Default'").get()).toEqual({ n: 1 });
    db.close();
  });

  it('eight processes logging to one run at once lose no point', async () => {
    const meta = await openMetadataStore(uri, { root: tmp.dir, artifactsRoot: '/tmp/artifacts' });
    const run = await meta.tracking.createRun({ experimentId: '0' });
    const batches = 60;
    const perWorker = (batches / 2) * 1 + (batches / 2) * 100;
    const procs = Array.from({ length: 8 }, (_, w) => start(tmp.dir, [uri, 'log', run.info.runId, String(w), String(batches)]));
    expect(await Promise.all(procs.map((p) => p.exit))).toEqual(Array(8).fill(0));
    const shared = (await meta.tracking.getMetricHistory(run.info.runId, 'shared')).items;
    expect(shared).toHaveLength(8 * perWorker);
    for (let w = 0; w < 8; w++) {
      expect(shared.filter((m) => m.value === w)).toHaveLength(perWorker);
      const own = (await meta.tracking.getMetricHistory(run.info.runId, `w${w}`)).items;
      expect(own.map((m) => m.step)).toEqual(Array.from({ length: perWorker }, (_, i) => i));
    }
    const latest = (await meta.tracking.getRun(run.info.runId)).data.metrics.find((m) => m.key === 'shared');
    expect(latest?.step).toBe(perWorker - 1);
    await meta.close();
  });

  it('a process killed with SIGKILL during large batches leaves each batch whole or absent', async () => {
    const meta = await openMetadataStore(uri, { root: tmp.dir, artifactsRoot: '/tmp/artifacts' });
    const run = await meta.tracking.createRun({ experimentId: '0' });
    await meta.close();
    const points = 50_000;
    const p = start(tmp.dir, [uri, 'batches', run.info.runId, String(points)]);
    let exited = false;
    void p.exit.then(() => (exited = true));
    while (p.lines.length < 3) {
      if (exited) throw new Error('the writer exited before logging three batches');
      await new Promise((r) => setTimeout(r, 10));
    }
    // Land the kill at an arbitrary point of the next batch's work.
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)));
    p.child.kill('SIGKILL');
    expect(await p.exit).toBeNull();

    const db = new Database(path.join(tmp.dir, '.paddock/paddock.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    const again = await openMetadataStore(uri, { root: tmp.dir, artifactsRoot: '/tmp/artifacts' });
    const got = await again.tracking.getRun(run.info.runId);
    const params = new Set(got.data.params.map((x) => x.key));
    const written = got.data.metrics.map((m) => Number(m.key.slice(1))).sort((a, b) => a - b);
    expect(written.length).toBeGreaterThanOrEqual(3);
    // Batches are written in order: 0..k-1 all present, nothing after.
    expect(written).toEqual(Array.from({ length: written.length }, (_, i) => i));
    for (const i of [...written, written.length]) {
      const n = (await again.tracking.getMetricHistory(run.info.runId, `b${i}`)).items.length;
      const present = i < written.length;
      expect(n).toBe(present ? points : 0);
      expect(params.has(`batch${i}`)).toBe(present);
      expect(got.data.tags[`tag${i}`] !== undefined).toBe(present);
    }
    await again.close();
  });
});
