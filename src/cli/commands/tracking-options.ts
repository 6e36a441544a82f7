import type { Command } from 'commander';
import { fail, isPaddockError } from '../../core/errors.js';
import { openTracking } from '../../sdk/open-tracking.js';
import type { Experiment, TrackingStore } from '../../tracking/index.js';
import { commandCwd } from '../context.js';

/** The flag every tracking command takes. */
export function addTrackingUriOption(cmd: Command): Command {
  return cmd.option('--tracking-uri <uri>', 'a server (http://host:port) or database (sqlite:…, postgres://…) instead of the project\'s store (default: $PADDOCK_TRACKING_URI)');
}

/** Opens the store the command names, runs `fn`, and closes the store whatever happens. */
export async function withTrackingStore<T>(cmd: Command, fn: (store: TrackingStore) => Promise<T>): Promise<T> {
  const opts = cmd.optsWithGlobals() as { trackingUri?: string };
  const opened = await openTracking({
    trackingUri: opts.trackingUri ?? (process.env.PADDOCK_TRACKING_URI || undefined),
    cwd: commandCwd(cmd),
    token: process.env.PADDOCK_TRACKING_TOKEN || undefined,
  });
  try {
    return await fn(opened.tracking);
  } finally {
    await opened.close();
  }
}

/**
 * An experiment by id or by name: a numeric reference is tried as an id first, then as a
 * name, so an experiment named "2023" is still reachable.
 */
export async function resolveExperiment(store: TrackingStore, ref: string): Promise<Experiment> {
  if (/^\d+$/.test(ref)) {
    try {
      return await store.getExperiment(ref);
    } catch (err) {
      if (!isPaddockError(err, 'NOT_FOUND')) throw err;
    }
  }
  try {
    return await store.getExperimentByName(ref);
  } catch (err) {
    if (isPaddockError(err, 'NOT_FOUND')) fail('NOT_FOUND', `no experiment with id or name '${ref}' (\`paddock experiments list --view all\` lists them)`, { experiment: ref });
    throw err;
  }
}

/** Every experiment of a view, following page tokens. */
export async function allExperiments(store: TrackingStore, viewType: 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL' = 'ACTIVE_ONLY'): Promise<Experiment[]> {
  const out: Experiment[] = [];
  let pageToken: string | undefined;
  do {
    const page = await store.searchExperiments({ viewType, maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
    out.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return out;
}

/** `--view active|deleted|all` → MLflow's ViewType. */
export function viewTypeOf(view: string | undefined): 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL' {
  switch ((view ?? 'active').toLowerCase()) {
    case 'active': return 'ACTIVE_ONLY';
    case 'deleted': return 'DELETED_ONLY';
    case 'all': return 'ALL';
    default: return fail('INVALID_ARGUMENT', `--view must be active, deleted or all (got '${view}')`, { field: 'view' });
  }
}

/** Epoch ms as `YYYY-MM-DD HH:MM:SS` (UTC, so output does not depend on the machine's zone). */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !ms) return '';
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** A metric value as a short string: six significant digits, NaN and ±Inf spelt out. */
export function formatNumber(v: number | undefined): string {
  if (v === undefined) return '';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Inf' : '-Inf';
  return String(Number(v.toPrecision(6)));
}

/** `1h 2m`, `3m 4s`, `5.2s`. */
export function formatDuration(start: number, end: number | undefined): string {
  if (!end || end < start) return '';
  const s = (end - start) / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
  return `${Math.floor(s / 3600)}h ${Math.round((s % 3600) / 60)}m`;
}

/** Comma-separated and repeated flag values as one list. */
export function listOption(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];
}
