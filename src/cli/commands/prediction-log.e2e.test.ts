import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoggedPrediction } from '../../monitoring/index.js';
import { FsObjectStore } from '../../storage/artifacts/fs-object-store.js';
import { ParquetPredictionLog } from '../../storage/parquet-prediction-log/parquet-prediction-log.js';
import { openDatabase } from '../../storage/sql/open-database.js';
import { SqlPredictionLog } from '../../storage/sql/prediction-log/sql-prediction-log.js';
import { runCliOk, tempDir, type CliResult } from '../../test-support/cli.js';
import { startListening, type ServeProcess } from '../../test-support/serve-process.js';
import { oipTensors } from '../../test-support/oip.js';
import { flightRows, flightsCsv } from '../../test-support/flights.js';

/**
 * The prediction log end to end through the real CLI (dist/): a deployment served with a canary
 * logs every answered row (inputs, outputs, version, variant) to the metadata database, labels
 * arrive through the API and through `paddock monitor labels <file>`; then the same with
 * `store: parquet` under the artifact root.
 */
const ROWS = [
  { hour: 7, weekday: 1, distance: 300, origin: 'SEA' },
  { hour: 18, weekday: 5, distance: 2400, origin: 'ORD' },
  { hour: 13, weekday: 3, distance: 1200, origin: 'ATL' },
];
const INFER = { inputs: oipTensors(ROWS) };
const REQUESTS = 12;


function config(store: 'metadata' | 'parquet'): string {
  return `monitoring:\n  prediction_log:\n    store: ${store}\n    flush_interval_ms: 50\n  labels:\n    key_column: distance\n`;
}

describe('the prediction log (end to end through the real CLI)', () => {
  let project: { dir: string; cleanup: () => void };
  let root = '';
  const cli = (...args: string[]): Promise<CliResult> => runCliOk(root, args);
  /** Sends REQUESTS requests of 3 rows with ids `<prefix>-<i>`; the variants that answered. */
  const traffic = async (server: ServeProcess, prefix: string): Promise<string[]> => {
    const variants: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const res = await fetch(`${server.url}/v2/models/api/infer`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': `${prefix}-${i}` }, body: JSON.stringify(INFER) });
      expect(res.status).toBe(200);
      variants.push(res.headers.get('x-paddock-variant')!);
    }
    return variants;
  };
  const checkLogged = (rows: readonly LoggedPrediction[], prefix: string, variants: readonly string[]) => {
    expect(rows).toHaveLength(REQUESTS * ROWS.length);
    for (const r of rows) {
      const i = Number(r.requestId.slice(prefix.length + 1));
      expect(r.deployment).toBe('api');
      expect(r.model).toBe('flights');
      expect(r.variant).toBe(variants[i]);
      expect(r.version).toBe(r.variant === 'stable' ? '1' : '2');
      expect(r.inputs).toMatchObject(ROWS[r.rowIndex]!);
      expect(r.outputs).toHaveProperty('label');
      expect(r.latencyMs).toBeGreaterThan(0);
    }
  };

  beforeAll(async () => {
    project = tempDir('paddock-predlog-e2e-');
    root = project.dir;
    await cli('init');
    writeFileSync(path.join(root, 'flights.csv'), flightsCsv(flightRows(300, 1)));
    for (const [algorithm, out] of [['gbdt', 'model'], ['linear', 'model2']] as const) {
      await cli('train', '--task', 'classification', '--target', 'late', '--data', 'flights.csv', '--algorithm', algorithm, '-o', out, '--no-track');
      await cli('models', 'register', out, '--name', 'flights');
    }
    await cli('deploy', 'create', 'api', '--model', 'flights', '--stable', '1', '--canary', '2=50');
  }, 120_000);
  afterAll(() => project.cleanup());

  it('logs every answered row to the metadata database; labels join through the API and `paddock monitor labels`', async () => {
    writeFileSync(path.join(root, 'paddock.yaml'), config('metadata'));
    const server = await startListening(root, ['server', '--port', '0', '--deployment', 'api']);
    let variants: string[];
    try {
      variants = await traffic(server, 'm');
      expect(new Set(variants), `variants ${variants.join(' ')}; the server said:\n${server.output()}`).toEqual(new Set(['stable', 'canary']));
      // The rows reach the log within a flush interval, and /metrics counts them.
      let metrics = '';
      for (let i = 0; i < 100 && !metrics.includes(`paddock_prediction_log_written_total ${REQUESTS * ROWS.length}`); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        metrics = await (await fetch(`${server.url}/metrics`)).text();
      }
      expect(metrics).toContain(`paddock_prediction_log_written_total ${REQUESTS * ROWS.length}`);
      expect(metrics).toContain('paddock_prediction_log_dropped_total 0');

      const post = (body: unknown) => fetch(`${server.url}/api/v1/deployments/api/labels`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const byId = await post({ labels: [{ request_id: 'm-0', row: 1, label: 1 }, { request_id: 'm-1', label: 0 }, { request_id: 'nope', label: 1 }] });
      expect(await byId.json()).toEqual({ matched: 2, unmatched: 1 });
      const bad = await post({ labels: [{ request_id: 'm-2', label: 1 }, { request_id: 'm-3' }] });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('labels[1].label');
      // `paddock monitor labels` through the server's API (--tracking-uri http://…).
      writeFileSync(path.join(root, 'remote-labels.csv'), 'request_id,row,label\nm-4,2,1\nm-404,0,1\n');
      const remote = await cli('monitor', 'labels', 'remote-labels.csv', '--deployment', 'api', '--tracking-uri', server.url, '--json');
      expect(JSON.parse(remote.stdout)).toEqual({ matched: 1, unmatched: 1 });
    } finally {
      expect((await server.stop('SIGTERM')).code).toBe(0);
    }
    // Labels from a file, by the key column (distance): the latest prediction with that key.
    writeFileSync(path.join(root, 'labels.csv'), 'distance,label\n2400,1\n9999,0\n');
    const joined = await cli('monitor', 'labels', 'labels.csv', '--deployment', 'api', '--key-column', 'distance', '--json');
    expect(JSON.parse(joined.stdout)).toEqual({ matched: 1, unmatched: 1 });

    const database = openDatabase(`sqlite:${path.join(root, '.paddock', 'paddock.db')}`, { root });
    try {
      const rows: LoggedPrediction[] = [];
      await new SqlPredictionLog(database).scan({ deployment: 'api', since: 0, until: Date.now() + 1 }, (b) => { rows.push(...b); });
      checkLogged(rows, 'm', variants!);
      const labeled = rows.filter((r) => r.label !== undefined).map((r) => `${r.requestId}/${r.rowIndex}=${String(r.label)}`);
      expect(labeled).toEqual(['m-0/1=1', 'm-1/0=0', 'm-1/1=0', 'm-1/2=0', 'm-4/2=1', `m-${REQUESTS - 1}/1=1`]);
    } finally {
      await database.close();
    }
  }, 60_000);

  it('with store: parquet, `paddock serve` writes Parquet files under the artifact root that labels join', async () => {
    writeFileSync(path.join(root, 'paddock.yaml'), config('parquet'));
    const server = await startListening(root, ['serve', '--port', '0', '--deployment', 'api']);
    let variants: string[];
    try {
      variants = await traffic(server, 'p');
    } finally {
      // SIGTERM flushes what is buffered.
      expect((await server.stop('SIGTERM')).code).toBe(0);
    }
    const artifacts = path.join(root, '.paddock', 'artifacts');
    const days = readdirSync(path.join(artifacts, 'predictions', 'api'));
    expect(days.every((d) => /^date=\d{4}-\d{2}-\d{2}$/.test(d))).toBe(true);
    writeFileSync(path.join(root, 'labels.jsonl'), `${JSON.stringify({ request_id: 'p-3', label: 1 })}\n${JSON.stringify({ request_id: 'p-99', label: 0 })}\n`);
    const joined = await cli('monitor', 'labels', 'labels.jsonl', '--deployment', 'api', '--json');
    expect(JSON.parse(joined.stdout)).toEqual({ matched: 1, unmatched: 1 });
    expect(existsSync(path.join(artifacts, 'predictions', 'api', 'labels'))).toBe(true);

    const store = new ParquetPredictionLog({ objects: new FsObjectStore(artifacts), localRoot: artifacts, workDir: path.join(root, 'work') });
    try {
      const rows: LoggedPrediction[] = [];
      await store.scan({ deployment: 'api', since: Date.now() - 3_600_000, until: Date.now() + 1 }, (b) => { rows.push(...b); });
      checkLogged(rows, 'p', variants!);
      expect(rows.filter((r) => r.label !== undefined).map((r) => `${r.requestId}/${r.rowIndex}`)).toEqual(['p-3/0', 'p-3/1', 'p-3/2']);
    } finally {
      await store.close();
    }
  }, 60_000);
});
