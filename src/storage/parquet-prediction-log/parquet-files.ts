/**
 * The prediction log's layout in the artifact store (DESIGN: artifacts under one root):
 *
 *   predictions/<deployment>/date=YYYY-MM-DD/<stamp>-<random>-n<rows>.parquet          predictions, by UTC day answered
 *   predictions/<deployment>/labels/date=YYYY-MM-DD/<stamp>-<random>-n<rows>.parquet   labels, by the day of the prediction they join
 *
 * Files are written once and never rewritten; a day's labels sit under the day of the predictions
 * they label, so a window reads only its days' files and retention deletes a day with its labels.
 * The row count in the name lets prune count what it deletes without reading the files.
 */
import { randomBytes } from 'node:crypto';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a time, UTC. */
export function dayOf(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** The UTC days [since, until) touches, oldest first. */
export function daysBetween(since: number, until: number): string[] {
  const days: string[] = [];
  if (!(until > since)) return days;
  const first = Math.floor(since / DAY_MS) * DAY_MS;
  for (let t = first; t < until; t += DAY_MS) days.push(dayOf(t));
  return days;
}

/** Where a deployment's predictions of `day` live (a key prefix, with a trailing slash). */
export function predictionsPrefix(deployment: string, day: string): string {
  return `predictions/${deployment}/date=${day}/`;
}

/** Where the labels of a deployment's predictions of `day` live. */
export function labelsPrefix(deployment: string, day: string): string {
  return `predictions/${deployment}/labels/date=${day}/`;
}

/** A new batch file's name: sortable by write time, unique across processes, with its row count. */
export function batchName(rows: number): string {
  return `${Date.now().toString().padStart(14, '0')}-${randomBytes(6).toString('hex')}-n${rows}.parquet`;
}

/** A key of the layout, parsed: its deployment, day, kind and row count; undefined for anything else. */
export function parseKey(key: string): { deployment: string; day: string; kind: 'predictions' | 'labels'; rows: number } | undefined {
  const m = /^predictions\/([^/]+)\/(labels\/)?date=(\d{4}-\d{2}-\d{2})\/[^/]*-n(\d+)\.parquet$/.exec(key);
  if (!m) return undefined;
  return { deployment: m[1]!, kind: m[2] ? 'labels' : 'predictions', day: m[3]!, rows: Number(m[4]) };
}

/** The first instant after `day` (UTC): a day whose end is at or before a retention bound is deleted whole. */
export function dayEnd(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) + DAY_MS;
}
