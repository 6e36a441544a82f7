import type { LabelRecord, LoggedPrediction, PredictionLogStore, PredictionQuery, PredictionRecord } from '../monitoring/index.js';

/** A PredictionLogStore in memory for monitoring tests (labels by request id and row only). */
export class MemoryPredictionLog implements PredictionLogStore {
  readonly rows: LoggedPrediction[] = [];

  constructor(private readonly batchRows = 500) {}

  async append(records: readonly PredictionRecord[]): Promise<void> {
    this.rows.push(...records);
  }

  async scan(query: PredictionQuery, onBatch: (batch: readonly LoggedPrediction[]) => void | Promise<void>): Promise<void> {
    const hits = this.rows
      .filter((r) => r.deployment === query.deployment && r.at >= query.since && r.at < query.until && (query.version === undefined || r.version === query.version) && (query.variant === undefined || r.variant === query.variant) && (!query.labeled || r.label !== undefined))
      .sort((a, b) => a.at - b.at);
    for (let i = 0; i < hits.length; i += this.batchRows) await onBatch(hits.slice(i, i + this.batchRows));
  }

  async attachLabels(deployment: string, labels: readonly LabelRecord[]): Promise<{ matched: number; unmatched: number }> {
    const index = new Map(this.rows.map((r, i) => [`${r.deployment}\u0000${r.requestId}\u0000${r.rowIndex}`, i]));
    let matched = 0;
    for (const l of labels) {
      const i = index.get(`${deployment}\u0000${l.requestId}\u0000${l.rowIndex ?? 0}`);
      if (i === undefined) continue;
      this.rows[i] = { ...this.rows[i]!, label: l.label, labeledAt: l.at ?? Date.now() };
      matched++;
    }
    return { matched, unmatched: labels.length - matched };
  }

  async prune(before: number): Promise<number> {
    const keep = this.rows.filter((r) => r.at >= before);
    const pruned = this.rows.length - keep.length;
    this.rows.splice(0, this.rows.length, ...keep);
    return pruned;
  }
}
