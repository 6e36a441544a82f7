import { isPaddockError } from '../../core/errors.js';
import type { ModelVersion, RegistryStore } from '../../registry/index.js';
import { RETRAINING_ACTOR, RETRAINING_JOB_TAG } from './retraining.js';

/**
 * The version of `model` a retraining job registered, found by its `paddock.retraining_job` tag:
 * the key that makes registration idempotent (a retried job finds the version an earlier
 * attempt registered instead of registering another).
 */
export async function findJobVersion(registry: RegistryStore, model: string, jobId: string): Promise<ModelVersion | undefined> {
  const page = await registry.searchVersions({
    filter: `name = '${quote(model)}' and tags.\`${RETRAINING_JOB_TAG}\` = '${quote(jobId)}'`,
    orderBy: ['version_number ASC'],
    maxResults: 10,
  });
  return page.items[0];
}

/**
 * The challenger a pipeline registered without the job's tag (a stage that registers by other
 * means than `paddock models register`): the `challenger` alias, if it points at a version
 * created since the job started. It is tagged with the job so a retry finds it.
 */
export async function adoptChallenger(registry: RegistryStore, model: string, jobId: string, since: number): Promise<ModelVersion | undefined> {
  let version: ModelVersion;
  try {
    version = await registry.getVersionByAlias(model, 'challenger');
  } catch (err) {
    if (isPaddockError(err, 'NOT_FOUND')) return undefined;
    throw err;
  }
  if (version.creationTimestamp < since || version.tags[RETRAINING_JOB_TAG] !== undefined) return undefined;
  await registry.setVersionTag(model, version.version, RETRAINING_JOB_TAG, jobId, { actor: RETRAINING_ACTOR, reason: `registered by retraining ${jobId}` });
  return registry.getVersion(model, version.version);
}

function quote(s: string): string {
  return s.replace(/'/g, "''");
}
