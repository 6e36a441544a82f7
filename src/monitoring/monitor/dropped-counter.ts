/**
 * Dropped predictions per window, from a process-wide running total (the prediction logger's
 * `dropped` count): the total is sampled as time goes by, and a window's count is the growth of
 * the total between the samples nearest its start and its end (so its precision is the sampling
 * interval). Memory is bounded: samples older than `keepMs` are forgotten.
 */
export class DroppedCounter {
  private readonly samples: { at: number; total: number }[] = [];

  constructor(private readonly total: () => number, private readonly keepMs: number) {}

  /** Takes a sample of the total at `now`. */
  sample(now: number): void {
    this.samples.push({ at: now, total: this.total() });
    while (this.samples.length > 2 && this.samples[1]!.at < now - this.keepMs) this.samples.shift();
  }

  /** Predictions dropped in [since, until); undefined when no sample covers the window's start. */
  between(since: number, until: number): number | undefined {
    const start = this.last(since);
    const end = this.last(until);
    if (!start || !end) return undefined;
    return Math.max(0, end.total - start.total);
  }

  /** The last sample taken at or before `t`. */
  private last(t: number): { at: number; total: number } | undefined {
    let found: { at: number; total: number } | undefined;
    for (const s of this.samples) {
      if (s.at > t) break;
      found = s;
    }
    return found;
  }
}
