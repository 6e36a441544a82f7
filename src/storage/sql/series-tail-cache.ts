import type { SeriesColumns } from './metric-chunks.js';

/** One (run, key)'s last chunk as it was committed: its row id, its point count, its points. */
export interface SeriesTail {
  readonly chunkId: number;
  readonly n: number;
  readonly cols: SeriesColumns;
}

/**
 * The last chunk of recently appended series, decoded, so a single-point append does not read
 * and decode the chunk it merges into.
 *
 * Several processes may write one store, so an entry is only a guess: it is used only when the
 * database, read under the write lock, still has the same last chunk with the same point count.
 * That identifies the content: chunk ids are never reused (AUTOINCREMENT, identity) and a chunk
 * only ever grows by merges, so (chunkId, n) names one sequence of points. Entries are only
 * ever committed states (callers set them after COMMIT), never a rolled-back write.
 *
 * Bounded LRU (a Map keeps insertion order): at most {@link MAX_TAILS} series of at most
 * SMALL_CHUNK_POINTS points (a few KiB each).
 */
export class SeriesTailCache {
  private readonly tails = new Map<string, SeriesTail>();

  /** The cached tail when it still is (chunkId, n) in the database, else undefined. */
  get(runId: string, key: string, chunkId: number, n: number): SeriesColumns | undefined {
    const id = tailId(runId, key);
    const tail = this.tails.get(id);
    if (!tail) return undefined;
    if (tail.chunkId !== chunkId || tail.n !== n) {
      this.tails.delete(id);
      return undefined;
    }
    // Refresh its place in the LRU order.
    this.tails.delete(id);
    this.tails.set(id, tail);
    return tail.cols;
  }

  /**
   * The cached tail unchecked, for a write that itself verifies it still is the database's
   * (append-small-batch.ts, PG_MERGE_CACHED).
   */
  peek(runId: string, key: string): SeriesTail | undefined {
    return this.tails.get(tailId(runId, key));
  }

  /** Records a committed tail. */
  set(runId: string, key: string, tail: SeriesTail): void {
    const id = tailId(runId, key);
    this.tails.delete(id);
    this.tails.set(id, tail);
    if (this.tails.size > MAX_TAILS) this.tails.delete(this.tails.keys().next().value!);
  }

  /** Forgets a series (its tail was rewritten by a path that does not keep the cache). */
  delete(runId: string, key: string): void {
    this.tails.delete(tailId(runId, key));
  }
}

/** Series kept: a training job logs tens of keys; a server holds many runs' live keys. */
const MAX_TAILS = 4096;

function tailId(runId: string, key: string): string {
  return `${runId}\u0000${key}`;
}
