import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { aggregateMetrics } from './cluster-metrics.js';
import { LabelledCounter, LabelledHistogram } from './labelled-metrics.js';

// Two "workers" record with the hot-path metrics; their merge must equal one prom-client registry
// that saw every observation (series kept apart by all their labels, buckets summed).
describe('aggregateMetrics', () => {
  it('sums labelled counters and histograms of several workers as one registry of prom-client metrics would count them', async () => {
    const buckets = [0.01, 0.1, 1];
    const reference = new Registry();
    const refCount = new Counter({ name: 'req_total', help: 'Requests', labelNames: ['model', 'code'], registers: [reference] });
    const refLatency = new Histogram({ name: 'latency_seconds', help: 'Latency', labelNames: ['model'], buckets, registers: [reference] });
    const workers = [new Registry(), new Registry()].map((registry) => ({
      registry,
      count: new LabelledCounter('req_total', 'Requests', ['model', 'code'], registry),
      latency: new LabelledHistogram('latency_seconds', 'Latency', ['model'], registry, buckets),
    }));
    const observations: [number, string, string, number][] = [[0, 'a', '200', 0.005], [1, 'a', '200', 0.05], [1, 'b', '500', 2], [0, 'b', '200', 0.5], [1, 'a', '200', 0.005]];
    for (const [w, model, code, seconds] of observations) {
      workers[w]!.count.inc([model, code]);
      workers[w]!.latency.observe([model], seconds);
      refCount.inc({ model, code });
      refLatency.observe({ model }, seconds);
    }
    const merged = await aggregateMetrics(await Promise.all(workers.map((w) => w.registry.getMetricsAsJSON())));
    const expected = await reference.metrics();
    // Label order within a sample is free in the text format (ours keeps the series' labels before `le`, as a single worker renders them).
    const sortLabels = (line: string) => line.replace(/\{(.*)\}/, (_m, inner: string) => `{${inner.split(',').sort().join(',')}}`);
    const lines = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#')).map(sortLabels).sort();
    expect(lines(merged)).toEqual(lines(expected));
    expect(merged).toContain('latency_seconds_count{model="a"} 3');
  });
});
