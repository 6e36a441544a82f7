import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LabelledCounter, LabelledGauge, LabelledHistogram } from './labelled-metrics.js';

// The hot-path metrics must render exactly as prom-client's own would for the same observations.
describe('labelled metrics', () => {
  it('a histogram renders the same exposition as prom-client’s Histogram', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const buckets = [0.001, 0.01, 0.1, 1];
    const h = new LabelledHistogram('latency_seconds', 'Latency', ['model', 'variant'], ours, buckets);
    const ref = new Histogram({ name: 'latency_seconds', help: 'Latency', labelNames: ['model', 'variant'], buckets, registers: [theirs] });
    const observations: [string, string, number][] = [['a', 'stable', 0.0005], ['a', 'stable', 0.001], ['a', 'stable', 0.05], ['b "quoted"\nname', 'canary', 3], ['a', 'canary', 0.2]];
    for (const [model, variant, v] of observations) {
      h.observe([model, variant], v);
      ref.observe({ model, variant }, v);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('counters and gauges keep one series per label values', async () => {
    const registry = new Registry();
    const c = new LabelledCounter('requests_total', 'Requests', ['model', 'code'], registry);
    const g = new LabelledGauge('in_flight', 'In flight', ['model'], registry);
    c.inc(['m', '200']);
    c.inc(['m', '200'], 2);
    c.inc(['m', '500']);
    g.add(['m'], 1);
    g.add(['m'], 1);
    g.add(['m'], -1);
    const text = await registry.metrics();
    expect(text).toContain('requests_total{model="m",code="200"} 3');
    expect(text).toContain('requests_total{model="m",code="500"} 1');
    expect(text).toContain('in_flight{model="m"} 1');
    expect(text).toContain('# TYPE requests_total counter');
  });
});
