import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { SqlDialectName } from './open-database.js';
import type { RawStatements } from './raw-statements.js';
import type { SeriesTailCache } from './series-tail-cache.js';
import type { TrackingTables } from './tracking-schema.js';

/** What every tracking use-case file receives from SqlTrackingStore. */
export interface StoreContext {
  readonly db: Kysely<TrackingTables>;
  readonly dialect: SqlDialectName;
  /** Where experiments put artifacts by default: `<root>/<experimentId>`. */
  readonly artifactsRoot: string;
  readonly clock: Clock;
  /** Decoded last chunks of recently appended series (see append-small-batch.ts). */
  readonly tails: SeriesTailCache;
  /** Prepared statements on the SQLite handle under `db`, when the opener shared the handle. */
  readonly sqlite?: RawStatements;
}

/** Epoch milliseconds from the context's clock. */
export function nowMs(ctx: StoreContext): number {
  return ctx.clock.now().getTime();
}

/** `<root>/<leaf>` without doubling the separator (roots may be paths or s3:// URIs). */
export function joinUri(root: string, ...parts: string[]): string {
  return [root.replace(/\/+$/, ''), ...parts].join('/');
}
