import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isPaddockError } from '../../core/errors.js';
import { headState } from '../../core/git.js';
import type { Project } from '../../core/project.js';
import { hashPath, isCached } from '../../data/index.js';
import type { Executor } from '../executor/executor.js';
import { buildLockStage, type HashLike } from '../lock/lock-entry.js';
import type { LockStore } from '../lock/lock-store.js';
import type { LockEntry, LockStage, Stage } from '../model.js';
import { lookupRunCache, runCacheEligible, runCacheKey, saveRunCache } from '../run-cache/run-cache.js';
import { stageStatus, type ParamsReader, type StageStatus } from '../status/stage-status.js';
import { reasonsOf, type ReproEvent, type StageOutcome } from './events.js';
import { absOf, checkoutOutputs, commitOutputs, prepareOutputs, verifyOutputs } from './outputs.js';
import { StageLog } from './stage-log.js';

/** Everything a stage run needs, shared by the stages of one repro. */
export interface StageRunContext {
  readonly project: Project;
  readonly locks: LockStore;
  readonly executor: Executor;
  readonly readParams: ParamsReader;
  readonly force: boolean;
  readonly dry: boolean;
  /** Look up the run cache before running (`--no-run-cache` turns this off). */
  readonly restoreFromRunCache: boolean;
  /** Record successful runs in the run cache (config pipeline.run_cache). */
  readonly saveToRunCache: boolean;
  readonly emit: (event: ReproEvent) => void;
  readonly position: (name: string) => { index: number; total: number };
}

/**
 * Reproduces one stage, DVC's way: unchanged → skipped; frozen → outputs verified and recorded,
 * never run; otherwise outputs cleared, then restored from the cache when the lock or the run
 * cache has these exact inputs, else the command runs, its outputs are checked, cached and
 * recorded in dvc.lock (and the run cache). A failure leaves the stage's lock entry untouched.
 */
export async function reproduceStage(ctx: StageRunContext, stage: Stage, upstreamWouldRun: boolean): Promise<StageOutcome> {
  const started = Date.now();
  const status = await stageStatus(ctx.project, stage, ctx.locks.entry(stage), ctx.readParams);
  const base = { name: stage.name, addressing: status.addressing };
  const forced = ctx.force && !stage.frozen;
  const reasons = forced ? ['forced', ...reasonsOf(status)] : reasonsOf(status);
  const done = (result: StageOutcome['result'], extra: Partial<StageOutcome> = {}): StageOutcome => ({ ...base, result, reasons, durationMs: Date.now() - started, ...extra });

  if (stage.frozen) {
    if (!status.changed && !ctx.force) return done('skipped');
    if (ctx.dry) return done('would-run');
    emitStart(ctx, stage, 'verify');
    await verifyOutputs(stage);
    await record(ctx, stage, status.current.deps, status.current.params, await commitOutputs(ctx.project, stage));
    return done('verified');
  }
  if (!status.changed && !ctx.force) {
    if (!(ctx.dry && upstreamWouldRun)) return done('skipped');
    return { ...done('would-run'), reasons: ['an upstream stage would run'] };
  }
  if (ctx.dry) return done('would-run');

  await prepareOutputs(stage);
  if (!ctx.force) {
    const restored = await tryRestore(ctx, stage, status);
    if (restored) {
      emitStart(ctx, stage, 'restore');
      await record(ctx, stage, status.current.deps, status.current.params, await checkoutOutputs(ctx.project, stage, restored));
      return done('restored');
    }
  }
  return runCommand(ctx, stage, status, done);
}

function emitStart(ctx: StageRunContext, stage: Stage, action: 'run' | 'restore' | 'verify'): void {
  ctx.emit({ type: 'start', name: stage.name, action, ...ctx.position(stage.name) });
}

async function runCommand(ctx: StageRunContext, stage: Stage, status: StageStatus, done: (r: StageOutcome['result'], extra?: Partial<StageOutcome>) => StageOutcome): Promise<StageOutcome> {
  emitStart(ctx, stage, 'run');
  const log = await StageLog.open(ctx.project, stage);
  const env = { PADDOCK_STAGE: stage.name, PADDOCK_ROOT: ctx.project.root, DVC_STAGE: stage.name, DVC_ROOT: ctx.project.root, ...(await trackingEnv(ctx.project, stage, status)) };
  let result;
  try {
    result = await ctx.executor.run(stage, {
      env,
      onOutput: (line, stream) => {
        log.line(line);
        ctx.emit({ type: 'output', name: stage.name, line, stream });
      },
    });
  } catch (err) {
    await log.close(`could not start: ${(err as Error).message}`);
    return done('failed', { exitCode: 127, log: log.file, message: `stage '${stage.name}' could not start its command: ${(err as Error).message} (log: ${log.file})` });
  }
  const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode}`;
  await log.close(result.exitCode === 0 ? 'finished' : `failed: command ${how}`);
  if (result.exitCode !== 0) {
    const which = typeof stage.cmd === 'string' ? '' : ` (command ${result.commandIndex + 1} of ${stage.cmd.length})`;
    return done('failed', { exitCode: result.exitCode, log: log.file, message: `stage '${stage.name}' failed: its command${which} ${how} (log: ${log.file})` });
  }
  try {
    await verifyOutputs(stage, log.file);
  } catch (err) {
    if (!isPaddockError(err)) throw err;
    return done('failed', { exitCode: 0, log: log.file, message: err.message });
  }
  const deps = await hashDeps(ctx.project, stage);
  const entry = await record(ctx, stage, deps, status.current.params, await commitOutputs(ctx.project, stage));
  if (ctx.saveToRunCache && runCacheEligible(stage)) {
    const key = runCacheKey({ ...entry, outs: [] }, stage.outs.map((o) => o.path));
    await saveRunCache(ctx.project, key, entry);
  }
  return done('ran', { exitCode: 0, log: log.file });
}

/**
 * What a tracked run inside the stage records (read by src/tracking/run-context.ts): the deps'
 * hashes and the params as dvc.lock will hold them, and the commit the stage ran at.
 */
async function trackingEnv(project: Project, stage: Stage, status: StageStatus): Promise<Record<string, string>> {
  const deps: Record<string, HashLike> = {};
  for (const [p, h] of status.current.deps) deps[p] = { md5: h.md5, size: h.size, ...(h.nfiles !== undefined ? { nfiles: h.nfiles } : {}) };
  const head = await headState(project.root);
  return {
    PADDOCK_STAGE_DEPS: await envJson(project, `${stage.name}.deps`, deps),
    PADDOCK_STAGE_PARAMS: await envJson(project, `${stage.name}.params`, status.current.params),
    ...(head ? { PADDOCK_GIT_COMMIT: head.commit, PADDOCK_GIT_DIRTY: String(head.dirty) } : {}),
  };
}

/** Inline JSON, or `@<file>` past Linux's 128 KiB limit on one environment string. */
async function envJson(project: Project, name: string, value: unknown): Promise<string> {
  const json = JSON.stringify(value);
  if (json.length < 100_000) return json;
  const file = path.join(project.stateDir, 'tmp', 'stage-env', `${name.replace(/[^\w.-]/g, '_')}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, json);
  return `@${file}`;
}

/** Deps are hashed again after the run, as DVC's `save()` does (the state db makes it cheap). */
async function hashDeps(project: Project, stage: Stage): Promise<Map<string, HashLike>> {
  const hashes = new Map<string, HashLike>();
  for (const dep of stage.deps) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(dep)) continue;
    hashes.set(dep, await hashPath(project, absOf(stage, dep)));
  }
  return hashes;
}

async function record(ctx: StageRunContext, stage: Stage, deps: ReadonlyMap<string, HashLike>, params: Readonly<Record<string, Readonly<Record<string, unknown>>>>, outs: ReadonlyMap<string, HashLike>): Promise<LockStage> {
  const entry = buildLockStage(stage, deps, params, outs);
  await ctx.locks.save(stage, entry);
  return entry;
}

/**
 * DVC's `StageCache.restore`: when only the outputs changed (same command, same deps) and the
 * lock's output objects are cached, check them out; else, with the run cache on, the newest
 * entry recorded for these exact inputs whose objects are all cached.
 */
async function tryRestore(ctx: StageRunContext, stage: Stage, status: StageStatus): Promise<readonly LockEntry[] | undefined> {
  if (!runCacheEligible(stage) || status.alwaysChanged) return undefined;
  if (stage.deps.some((d) => !status.current.deps.has(d))) return undefined;
  const lock = ctx.locks.entry(stage);
  const inputsSame = lock && !status.commandChanged && Object.keys(status.deps).length === 0 && Object.keys(status.params).length === 0;
  if (inputsSame && (await allCached(ctx.project, stage, lock.outs))) return lock.outs;
  if (!ctx.restoreFromRunCache) return undefined;
  const key = runCacheKey(buildLockStage(stage, status.current.deps, status.current.params, new Map()), stage.outs.map((o) => o.path));
  const found = await lookupRunCache(ctx.project, key);
  if (found && (await allCached(ctx.project, stage, found.outs))) return found.outs;
  return undefined;
}

async function allCached(project: Project, stage: Stage, entries: readonly LockEntry[] | undefined): Promise<boolean> {
  if (!entries) return false;
  for (const out of stage.outs) {
    const e = entries.find((x) => x.path === out.path);
    if (!e?.md5 || !(await isCached(project, e))) return false;
  }
  return true;
}
