import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredAlert, WindowResult } from '../../monitoring/index.js';
import { runCliOk, tempDir, type CliResult } from '../../test-support/cli.js';
import { flightRows, flightsCsv, type Flight } from '../../test-support/flights.js';
import { oipTensors } from '../../test-support/oip.js';
import { prng } from '../../test-support/prng.js';
import { startListening, type ServeProcess } from '../../test-support/serve-process.js';

/**
 * A drift alert end to end through the real CLI (dist/): a classifier trained on 300 flight-like
 * rows, deployed, and served by `paddock server --deployment` with 10 s monitoring windows and two
 * drift rules firing on one window. Real HTTP inference traffic: one window like the training
 * data (the rules stay quiet), then one of night departures on routes longer than any in
 * training. The serving process's monitoring loop closes the windows, the rules fire on the
 * shifted one, and the alerts — printed by the process and recorded in the metadata database —
 * carry the numbers that fired them.
 */
const WINDOW_MS = 10_000;
const REQUESTS = 20;
const ROWS_PER_REQUEST = 5;
const ROWS = REQUESTS * ROWS_PER_REQUEST;

const CONFIG = `monitoring:
  window: 10s
  label_delay: 0s
  prediction_log:
    flush_interval_ms: 100
alerts:
  - name: input-drift
    deployment: api
    metric: dataset_drift
    min_samples: 50
    for_windows: 1
    clear_windows: 1
  - name: distance-drift
    metric: drift_score
    column: distance
    min_samples: 50
    for_windows: 1
    clear_windows: 1
`;

/** Night departures (0–4 h) on 4,000–7,000 mile routes: far from the training rows (0–23 h, 100–3,000 miles). */
function shifted(n: number, seed: number): Flight[] {
  const rnd = prng(seed);
  return flightRows(n, seed).map((f) => ({ ...f, hour: Math.floor(rnd() * 5), distance: 4000 + Math.floor(rnd() * 3000) }));
}

const sleepUntil = (t: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, t - Date.now())));

describe('a drift alert fired by a serving process on real traffic (end to end through the real CLI)', () => {
  let project: { dir: string; cleanup: () => void };
  let root = '';
  const cli = (...args: string[]): Promise<CliResult> => runCliOk(root, args);

  /** Sends `rows` as REQUESTS inference requests of ROWS_PER_REQUEST rows each. */
  const traffic = async (server: ServeProcess, prefix: string, rows: readonly Flight[]): Promise<void> => {
    for (let i = 0; i < REQUESTS; i++) {
      const body = JSON.stringify({ inputs: oipTensors(rows.slice(i * ROWS_PER_REQUEST, (i + 1) * ROWS_PER_REQUEST)) });
      const res = await fetch(`${server.url}/v2/models/api/infer`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': `${prefix}-${i}` }, body });
      expect(res.status, await res.clone().text()).toBe(200);
      await res.arrayBuffer();
    }
  };

  beforeAll(async () => {
    project = tempDir('paddock-drift-alert-e2e-');
    root = project.dir;
    await cli('init');
    writeFileSync(path.join(root, 'flights.csv'), flightsCsv(flightRows(300, 1)));
    await cli('train', '--task', 'classification', '--target', 'late', '--data', 'flights.csv', '-o', 'model', '--no-track');
    await cli('models', 'register', 'model', '--name', 'flights');
    await cli('deploy', 'create', 'api', '--model', 'flights', '--stable', '1');
    writeFileSync(path.join(root, 'paddock.yaml'), CONFIG);
  }, 60_000);
  afterAll(() => project?.cleanup());

  it('stays quiet on a window like the training data, fires both drift rules on the shifted window, with their numbers', async () => {
    const server = await startListening(root, ['server', '--port', '0', '--deployment', 'api']);
    try {
      // Windows are aligned to multiples of 10 s since the epoch: fill the next one, then the one after.
      const healthySince = Math.ceil(Date.now() / WINDOW_MS) * WINDOW_MS;
      const shiftedSince = healthySince + WINDOW_MS;
      const shiftedUntil = shiftedSince + WINDOW_MS;
      await sleepUntil(healthySince + 100);
      // A fresh sample of the training distribution (seed 7: every KS p-value against the 300 training rows is above 0.8).
      await traffic(server, 'h', flightRows(ROWS, 7));
      expect(Date.now(), 'the healthy traffic took longer than its window').toBeLessThan(shiftedSince - 500);
      await sleepUntil(shiftedSince + 100);
      await traffic(server, 's', shifted(ROWS, 3));
      expect(Date.now(), 'the shifted traffic took longer than its window').toBeLessThan(shiftedUntil - 500);

      // The loop looks for a closed window every second: both rules fire once the shifted window closes.
      const printed = await server.waitFor(/Alert input-drift fired on api: dataset_drift share of drifted columns ≥ 0\.5 in 1 window: ([\d.]+) \((\d+) samples\)/, 15_000);
      expect(Number(printed[1])).toBeGreaterThanOrEqual(0.5);
      expect(Number(printed[2])).toBe(ROWS);
      const score = await server.waitFor(/Alert distance-drift fired on api: drift_score distance ks p-value < 0\.05 in 1 window: ([\d.e-]+) \((\d+) samples\)/, 5_000);
      expect(Number(score[1])).toBeLessThan(0.05);
      expect(Number(score[2])).toBe(ROWS);

      // Recorded with the numbers that fired them; nothing fired on the healthy window (for_windows 1 would have).
      const res = await fetch(`${server.url}/api/v1/alerts?deployment=api`);
      expect(res.status).toBe(200);
      const alerts = ((await res.json()) as { items: StoredAlert[] }).items;
      expect(alerts.map((a) => [a.rule, a.kind, a.at]).sort()).toEqual([['distance-drift', 'fired', shiftedUntil], ['input-drift', 'fired', shiftedUntil]]);
      const drift = alerts.find((a) => a.rule === 'input-drift')!;
      expect(drift).toMatchObject({ deployment: 'api', metric: 'dataset_drift', condition: 'share of drifted columns ≥ 0.5', windows: [{ since: shiftedSince, until: shiftedUntil, samples: ROWS }] });
      expect(drift.value).toBe(drift.windows[0]!.value);
      const distance = alerts.find((a) => a.rule === 'distance-drift')!;
      expect(distance).toMatchObject({ deployment: 'api', metric: 'drift_score', column: 'distance', condition: 'ks p-value < 0.05', windows: [{ since: shiftedSince, until: shiftedUntil, samples: ROWS }] });
      expect(distance.value).toBeLessThan(1e-6);

      // The same windows read back through the monitoring API: the numbers the alerts hold.
      const report = await fetch(`${server.url}/api/v1/deployments/api/monitoring?window=10s&windows=2&until=${new Date(shiftedUntil).toISOString()}`);
      expect(report.status).toBe(200);
      const [healthy, bad] = ((await report.json()) as { windows: WindowResult[] }).windows as [WindowResult, WindowResult];
      expect([healthy.since, bad.since]).toEqual([healthySince, shiftedSince]);
      expect([healthy.rows, bad.rows]).toEqual([ROWS, ROWS]);
      expect([healthy.requests, bad.requests]).toEqual([REQUESTS, REQUESTS]);
      expect(healthy.drift!.datasetDrift).toBe(false);
      expect(healthy.drift!.columns.find((c) => c.column === 'distance')!.drifted).toBe(false);
      expect(bad.drift!.datasetDrift).toBe(true);
      expect(bad.drift!.columns.filter((c) => c.drifted).map((c) => c.column).sort()).toEqual(['distance', 'hour']);
      expect(drift.value).toBe(bad.drift!.share);
      const badDistance = bad.drift!.columns.find((c) => c.column === 'distance')!;
      expect(badDistance.test).toBe('ks');
      expect(distance.value).toBe(badDistance.score);
    } finally {
      expect((await server.stop('SIGTERM')).code).toBe(0);
    }
  }, 60_000);
});
