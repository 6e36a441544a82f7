import { describe, expect, it } from 'vitest';
import { ServingMetrics, type RequestLabels } from './serving-metrics.js';

/** The request metrics' lines of the exposition, but the latency sums (clock readings). */
const lines = async (m: ServingMetrics): Promise<string> => (await m.render()).split('\n').filter((l) => l.startsWith('paddock_inference_') && !l.startsWith('paddock_inference_request_duration_seconds_sum')).join('\n');

// A 200 with a labels object seen before updates the series found then: the exposition must be
// what the general path (a fresh labels object every time) writes, also after a registry reset.
describe('ServingMetrics', () => {
  it('records 200s through kept series exactly as through fresh labels, errors included, and survives a reset', async () => {
    const kept = new ServingMetrics();
    const fresh = new ServingMetrics();
    const labels: RequestLabels = { model: 'flights', version: '1', variant: 'default', protocol: 'v2' };
    const record = (m: ServingMetrics, l: () => RequestLabels, code: number, rows: number): void => {
      // A start time in the future: latencies below every bucket, the same counts in both registries.
      m.end('flights', l(), code, rows, m.begin('flights') + 1e9);
    };
    const sequence: [number, number][] = [[200, 1], [200, 3], [400, 0], [200, 1], [500, 2], [503, 0], [200, 64]];
    const run = (): void => {
      for (const [code, rows] of sequence) {
        record(kept, () => labels, code, rows);
        record(fresh, () => ({ ...labels }), code, rows);
      }
    };
    run();
    expect(await lines(kept)).toBe(await lines(fresh));
    expect(await lines(kept)).toContain('paddock_inference_requests_total{model="flights",version="1",variant="default",protocol="v2",code="200"} 4');
    expect(await lines(kept)).toContain('paddock_inference_batch_rows_sum{model="flights",version="1"} 69');
    kept.registry.resetMetrics();
    fresh.registry.resetMetrics();
    run();
    expect(await lines(kept)).toBe(await lines(fresh));
    expect(await lines(kept)).toContain('paddock_inference_requests_total{model="flights",version="1",variant="default",protocol="v2",code="200"} 4');
    expect(await lines(kept)).toContain('paddock_inference_in_flight{model="flights"} 0');
  });
});
