/**
 * Prometheus metrics of the model server (text format at /metrics), one registry per server so
 * two servers in one process (tests) never share counters.
 */
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { ShadowRecord } from '../../serving/index.js';
import { LabelledCounter, LabelledGauge, LabelledHistogram, type HistogramState } from './labelled-metrics.js';

/** Labels of one inference request. */
export interface RequestLabels {
  readonly model: string;
  readonly version: string;
  /** Deployment variant (stable, canary, shadow); `default` outside deployments. */
  readonly variant: string;
  readonly protocol: string;
}

/** The metrics the serving routes record. */
export class ServingMetrics {
  readonly registry = new Registry();
  // The per-request metrics are labelled-metrics.ts's (cheap on the hot path); the rest prom-client's.
  private readonly requests: LabelledCounter;
  private readonly latency: LabelledHistogram;
  private readonly inFlight: LabelledGauge;
  private readonly batchRows: LabelledHistogram;
  private readonly batcherRows: LabelledHistogram;
  private readonly shadowRequests: LabelledCounter;
  private readonly shadowDelta: LabelledHistogram;
  /** The series a 200 of each labels object updates. */
  private readonly okSeries = new WeakMap<RequestLabels, { readonly generation: number; readonly requests: { value: number }; readonly latency: HistogramState; readonly rows: HistogramState }>();

  /**
   * `processMetrics`: add prom-client's process and Node.js metrics (prefix `paddock_`).
   * `render`: how /metrics is rendered from this registry, when not by itself (`paddock serve
   * --workers N` renders the sum over the workers; its rejection is the scrape's error).
   */
  constructor(private readonly options: { readonly processMetrics?: boolean; readonly render?: (local: Registry) => Promise<string> } = {}) {
    const registry = this.registry;
    this.requests = new LabelledCounter('paddock_inference_requests_total', 'Inference requests by model, version, variant, protocol and HTTP status code', ['model', 'version', 'variant', 'protocol', 'code'], registry);
    this.latency = new LabelledHistogram('paddock_inference_request_duration_seconds', 'Inference request latency, from request parsed to response ready',
      ['model', 'version', 'variant', 'protocol'], registry, [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
    this.inFlight = new LabelledGauge('paddock_inference_in_flight', 'Inference requests being answered', ['model'], registry);
    const rowBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, 4096];
    this.batchRows = new LabelledHistogram('paddock_inference_batch_rows', 'Rows per inference request (with batching off, per model run)', ['model', 'version'], registry, rowBuckets);
    this.batcherRows = new LabelledHistogram('paddock_batcher_batch_rows', 'Adaptive batching on: rows per model run, the requests that arrived together', ['model', 'version'], registry, rowBuckets);
    // Counted per mirrored request: prom-client's label hashing was a tenth of a shadow's cost.
    this.shadowRequests = new LabelledCounter('paddock_shadow_requests_total', 'Mirrored requests by deployment and outcome (agree, disagree, error)', ['deployment', 'outcome'], registry);
    this.shadowDelta = new LabelledHistogram('paddock_shadow_abs_delta', 'Regression deployments: |shadow - primary| prediction per mirrored row', ['deployment'], registry,
      [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 1000]);
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'paddock_' });
  }

  /** Marks a request started; the returned function records its end with the status code. */
  start(model: string): (labels: RequestLabels, code: number, rows: number) => void {
    const started = this.begin(model);
    return (labels, code, rows) => this.end(model, labels, code, rows, started);
  }

  /** Marks a request for `model` started; returns its start time (performance.now()) for `end`. */
  begin(model: string): number {
    this.inFlight.add([model], 1);
    return performance.now();
  }

  /**
   * Records the end of a request `begin` started. A 200 with the same labels object as before
   * (the routes keep one per model version, variant and protocol) updates the series it found
   * then, without building their keys again.
   */
  end(model: string, labels: RequestLabels, code: number, rows: number, started: number): void {
    this.inFlight.add([model], -1);
    const seconds = (performance.now() - started) / 1000;
    if (code === 200) {
      let ok = this.okSeries.get(labels);
      if (ok === undefined || ok.generation !== this.generation()) {
        ok = {
          generation: this.generation(),
          requests: this.requests.state([labels.model, labels.version, labels.variant, labels.protocol, '200']),
          latency: this.latency.state([labels.model, labels.version, labels.variant, labels.protocol]),
          rows: this.batchRows.state([labels.model, labels.version]),
        };
        this.okSeries.set(labels, ok);
      }
      ok.requests.value += 1;
      this.latency.observeState(ok.latency, seconds);
      this.batchRows.observeState(ok.rows, rows);
      return;
    }
    this.requests.inc([labels.model, labels.version, labels.variant, labels.protocol, String(code)]);
    if (code < 400) {
      this.latency.observe([labels.model, labels.version, labels.variant, labels.protocol], seconds);
      this.batchRows.observe([labels.model, labels.version], rows);
    }
  }

  /** Records one model run of the adaptive batcher (a ModelPool 'batched' event). */
  batched(model: string, version: string, rows: number): void {
    this.batcherRows.observe([model, version], rows);
  }

  /** Changes whenever one of the series maps `okSeries` points into is reset (a registry reset). */
  private generation(): number {
    return this.requests.generation + this.latency.generation + this.batchRows.generation;
  }

  /** Records one shadow comparison (a DeploymentRouter shadow listener). */
  shadow(record: ShadowRecord): void {
    this.shadowRequests.inc([record.deployment, record.outcome]);
    for (const delta of record.absDeltas ?? []) if (Number.isFinite(delta)) this.shadowDelta.observe([record.deployment], delta);
  }

  /**
   * Exposes the prediction log's counts, read at scrape time: rows written, and rows dropped
   * (buffer full, or a batch the store kept refusing).
   */
  countPredictionLog(counts: () => { readonly written: number; readonly dropped: number }): void {
    const registers = [this.registry];
    const absolute = (name: string, help: string, read: (c: { written: number; dropped: number }) => number): void => {
      new Counter({ name, help, registers, collect() { this.reset(); this.inc(read(counts())); } });
    };
    absolute('paddock_prediction_log_written_total', 'Predictions written to the prediction log', (c) => c.written);
    absolute('paddock_prediction_log_dropped_total', 'Predictions not logged: the buffer was full, or the store kept failing', (c) => c.dropped);
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.options.render ? this.options.render(this.registry) : this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
