/**
 * Counters, gauges and histograms for the inference hot path, exposed through a prom-client
 * Registry (which renders them with the process metrics). prom-client's own metrics hash and
 * validate the label object on every call, about 6 µs per request for the four the routes
 * record: more than a single-row tree model takes to predict. These keep one series per label
 * values, found by a joined key, and do the label work once per series.
 */
import type { Registry } from 'prom-client';

/** One series' state: the label values and the numbers. */
interface Series<T> {
  readonly labels: Readonly<Record<string, string>>;
  readonly state: T;
}

/** What prom-client's Registry reads from a metric (its `get()` and fields). */
interface MetricValue {
  readonly value: number;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly metricName?: string;
  readonly sharedLabels?: Readonly<Record<string, string>>;
}

abstract class Labelled<T> {
  readonly aggregator = 'sum';
  readonly #series = new Map<string, Series<T>>();

  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[], registry: Registry) {
    // The registry only keeps the object and calls get(); the cast is to prom-client's class type.
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  abstract readonly type: string;
  protected abstract fresh(): T;

  #generation = 0;

  /** Counts resets: series states handed out by `state` before a reset are no longer rendered. */
  get generation(): number {
    return this.#generation;
  }

  /** The state of the series of these label values, for callers that keep it to update directly (see `generation`). */
  state(values: readonly string[]): T {
    return this.series(values);
  }

  /** The series of these label values (in labelNames order), created on first use. */
  protected series(values: readonly string[]): T {
    const key = values.length === 1 ? values[0]! : values.join('\u0001');
    let s = this.#series.get(key);
    if (!s) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => (labels[n] = values[i] ?? ''));
      s = { labels, state: this.fresh() };
      this.#series.set(key, s);
    }
    return s.state;
  }

  protected all(): IterableIterator<Series<T>> {
    return this.#series.values();
  }

  reset(): void {
    this.#generation++;
    this.#series.clear();
  }

  abstract values(): MetricValue[];

  /** What the registry renders: histogram series keep their labels apart (`sharedLabels`), as prom-client's do. */
  getForPromString(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: string }> {
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values: this.values(), aggregator: this.aggregator });
  }

  /**
   * The values with every label in `labels` (prom-client's `get()` contract, read by
   * `getMetricsAsJSON` and the cluster aggregator, which groups by `labels` and drops `sharedLabels`).
   */
  get(): Promise<{ name: string; help: string; type: string; values: MetricValue[]; aggregator: string }> {
    const values = this.values().map(({ sharedLabels, ...v }) => (sharedLabels ? { ...v, labels: { ...sharedLabels, ...v.labels } } : v));
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator });
  }
}

/** A monotonic counter per label values. */
export class LabelledCounter extends Labelled<{ value: number }> {
  readonly type = 'counter';
  protected fresh() {
    return { value: 0 };
  }

  inc(values: readonly string[], by = 1): void {
    this.series(values).value += by;
  }

  values(): MetricValue[] {
    return [...this.all()].map((s) => ({ value: s.state.value, labels: s.labels }));
  }
}

/** A gauge per label values. */
export class LabelledGauge extends Labelled<{ value: number }> {
  readonly type = 'gauge';
  protected fresh() {
    return { value: 0 };
  }

  add(values: readonly string[], by: number): void {
    this.series(values).value += by;
  }

  values(): MetricValue[] {
    return [...this.all()].map((s) => ({ value: s.state.value, labels: s.labels }));
  }
}

/** A histogram series' numbers. */
export interface HistogramState {
  /** Per bucket (not cumulative); the last one is +Inf. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** A histogram per label values with fixed upper bounds. */
export class LabelledHistogram extends Labelled<HistogramState> {
  readonly type = 'histogram';

  constructor(name: string, help: string, labelNames: readonly string[], registry: Registry, readonly buckets: readonly number[]) {
    super(name, help, labelNames, registry);
  }

  protected fresh(): HistogramState {
    return { counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
  }

  observe(values: readonly string[], value: number): void {
    this.observeState(this.series(values), value);
  }

  /** Adds `value` to a series' state (from `state`). */
  observeState(s: HistogramState, value: number): void {
    let i = 0;
    while (i < this.buckets.length && value > this.buckets[i]!) i++;
    s.counts[i]! += 1;
    s.sum += value;
    s.count += 1;
  }

  values(): MetricValue[] {
    const out: MetricValue[] = [];
    for (const { labels, state } of this.all()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += state.counts[i]!;
        out.push({ value: cumulative, labels: { le }, metricName: `${this.name}_bucket`, sharedLabels: labels });
      });
      out.push({ value: state.count, labels: { le: '+Inf' }, metricName: `${this.name}_bucket`, sharedLabels: labels });
      out.push({ value: state.sum, labels: {}, metricName: `${this.name}_sum`, sharedLabels: labels });
      out.push({ value: state.count, labels: {}, metricName: `${this.name}_count`, sharedLabels: labels });
    }
    return out;
  }
}
