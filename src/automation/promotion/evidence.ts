/**
 * The evidence a version's promotion is judged on, read from the tracking store: the data
 * versions it was trained on (run inputs and the package's data hashes), the validation runs of
 * each, and the evaluation runs of the version (by model and version, or by package content hash).
 */
import { isPaddockError } from '../../core/errors.js';
import { lineageOf, type ModelVersion, type RegistryStore } from '../../registry/index.js';
import type { Run, TrackingStore } from '../../tracking/index.js';
import { EVALUATION_TAGS, packageHashOfSource, VALIDATION_EXPERIMENT, VALIDATION_TAGS } from './evidence-tags.js';

/** One data version a version was trained on. */
export interface DataVersion {
  /** The file (or dataset name) as recorded. */
  readonly name: string;
  /** Its DVC md5. */
  readonly digest: string;
}

/** Runs searched per query: evidence is a handful of runs per version, never thousands. */
const MAX_RUNS = 200;
const DATA_HASH_TAG = 'paddock.data_hash.';

/**
 * The data versions a version was trained on: its run's inputs, and the `paddock.data_hash.*`
 * tags its package's lineage gave it; one entry per digest.
 */
export async function dataVersionsOf(registry: RegistryStore, tracking: TrackingStore, mv: ModelVersion): Promise<DataVersion[]> {
  const lineage = await lineageOf(registry, tracking, mv.name, mv.version);
  const found = new Map<string, DataVersion>();
  for (const i of lineage.inputs) if (i.digest) found.set(i.digest, { name: i.source || i.name, digest: i.digest });
  for (const [key, digest] of Object.entries(mv.tags)) {
    if (key.startsWith(DATA_HASH_TAG) && !found.has(digest)) found.set(digest, { name: key.slice(DATA_HASH_TAG.length), digest });
  }
  return [...found.values()];
}

/** Validation runs of a data version (by md5), newest first. */
export async function validationRunsOf(tracking: TrackingStore, md5: string): Promise<Run[]> {
  let experimentId: string;
  try {
    experimentId = (await tracking.getExperimentByName(VALIDATION_EXPERIMENT)).experimentId;
  } catch (err) {
    if (isPaddockError(err, 'NOT_FOUND')) return [];
    throw err;
  }
  const page = await tracking.searchRuns({ experimentIds: [experimentId], filter: `tags.\`${VALIDATION_TAGS.md5}\` = ${quote(md5)}`, orderBy: ['attributes.start_time DESC'], maxResults: MAX_RUNS });
  return [...page.items];
}

/** Whether a validation run recorded a pass. */
export function validationPassed(run: Run): boolean {
  return run.data.tags[VALIDATION_TAGS.passed] === 'true';
}

/**
 * Evaluation runs of a version, newest first: runs tagged with its model and version, or with the
 * content hash of its package (evaluated as a directory before it was registered).
 */
export async function evaluationRunsOf(tracking: TrackingStore, mv: ModelVersion): Promise<Run[]> {
  const experimentIds = await allExperimentIds(tracking);
  if (experimentIds.length === 0) return [];
  const byVersion = `(tags.\`${EVALUATION_TAGS.model}\` = ${quote(mv.name)} and tags.\`${EVALUATION_TAGS.version}\` = ${quote(String(mv.version))})`;
  const hash = packageHashOfSource(mv.source);
  const filter = hash ? `${byVersion} or tags.\`${EVALUATION_TAGS.packageHash}\` = ${quote(hash)}` : byVersion;
  const page = await tracking.searchRuns({ experimentIds, filter, orderBy: ['attributes.start_time DESC'], maxResults: MAX_RUNS });
  return page.items.filter((r) => r.info.status === 'FINISHED');
}

async function allExperimentIds(tracking: TrackingStore): Promise<string[]> {
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await tracking.searchExperiments({ maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
    ids.push(...page.items.map((e) => e.experimentId));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return ids;
}

/** A filter string literal; a quote inside is escaped as MLflow's lexer expects (backslashes stay verbatim). */
function quote(s: string): string {
  return `'${s.replace(/'/g, "\\'")}'`;
}
