import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import type { Logger } from '../../core/logging.js';
import type { RegistryStore } from '../../registry/index.js';
import { MIGRATIONS } from '../../storage/sql/migrations/index.js';
import { runMigrations } from '../../storage/sql/migrations/run-migrations.js';
import { openDatabase, type SqlDatabase } from '../../storage/sql/open-database.js';
import { SqlDeploymentStore } from '../../storage/sql/deployments/sql-deployment-store.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { CanaryAnalysis, DEFAULT_ANALYSIS, resolveAnalysisConfig, type AnalysisDecision, type CanaryAnalysisOptions } from './canary-analysis.js';
import type { AnalysisConfig, DeploymentStore } from './deployment.js';
import { DeploymentService } from './deployment-service.js';
import { VariantStats } from './variant-stats.js';

const by = { actor: 'ann' };
const INTERVAL = 30;
const config: AnalysisConfig = { intervalSeconds: INTERVAL, stepWeights: [10, 25, 50, 100], threshold: 2, minSamples: 50, successRate: 0.99, p99LatencyMs: 500, noData: 'hold' };

/** A logger whose warn/info/error calls are recorded. */
function recordingLogger() {
  const calls = { warn: [] as unknown[][], info: [] as unknown[][], error: [] as unknown[][] };
  const logger = {
    warn: (...a: unknown[]) => calls.warn.push(a), info: (...a: unknown[]) => calls.info.push(a), error: (...a: unknown[]) => calls.error.push(a), debug: () => undefined,
  } as unknown as Logger;
  return { logger, calls };
}

describe('CanaryAnalysis', () => {
  let database: SqlDatabase;
  let registry: RegistryStore;
  let store: SqlDeploymentStore;
  let service: DeploymentService;
  let t: number;
  let stats: VariantStats;
  const decisions: AnalysisDecision[] = [];
  const now = () => t;

  beforeEach(async () => {
    database = openDatabase('sqlite::memory:', { root: process.cwd() });
    await runMigrations(database.db, database.dialect, MIGRATIONS);
    registry = new SqlRegistryStore(database);
    await registry.createModel({ name: 'churn' }, by);
    for (let i = 0; i < 3; i++) await registry.createVersion({ name: 'churn', source: `s3://m/${i + 1}` }, by);
    store = new SqlDeploymentStore(database);
    service = new DeploymentService({ deployments: store, registry });
    t = 1_700_000_000_000;
    stats = new VariantStats({ now });
    decisions.length = 0;
  });
  afterEach(() => database.close());

  const analysis = (names: string[], extra: Partial<CanaryAnalysisOptions> = {}) =>
    new CanaryAnalysis({ service, store, stats, names, now, onDecision: (d) => decisions.push(d), ...extra });

  /** `n` requests to a variant one second into the interval: `errors` of them 503, `slow` of them at `slowMs`, the rest at 5 ms. */
  function feed(name: string, variant: 'stable' | 'canary', version: string, n: number, opts: { errors?: number; slow?: number; slowMs?: number } = {}) {
    for (let i = 0; i < n; i++) {
      const slow = i < (opts.slow ?? 0);
      const error = i >= n - (opts.errors ?? 0);
      stats.record({ deployment: name, variant, version, status: error ? 503 : 200, ms: slow ? (opts.slowMs ?? 900) : 5 });
    }
  }

  /** One interval: traffic, then the clock at the interval's end and a tick. */
  async function interval(a: CanaryAnalysis, name: string, canary: { n: number; errors?: number; slow?: number }, candidate = '2') {
    t += 1_000;
    feed(name, 'canary', candidate, canary.n, canary);
    feed(name, 'stable', '1', 200);
    t += INTERVAL * 1_000 - 1_000;
    return a.tick();
  }

  it('steps a healthy canary 10 → 25 → 50 → 100, then promotes it; the history gives the reasons', async () => {
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 10 }] }, analysis: config }, by);
    const a = analysis(['api']);
    expect(await a.tick()).toEqual([]); // the rollout starts: nothing judged yet
    t += 10_000;
    feed('api', 'canary', '2', 100);
    expect(await a.tick()).toEqual([]); // before the interval ends
    t += (INTERVAL - 10) * 1_000;
    expect((await a.tick()).map((d) => [d.kind, d.fromWeight, d.toWeight])).toEqual([['step', 10, 25]]);
    for (const [from, to] of [[25, 50], [50, 100]]) {
      const [d] = await interval(a, 'api', { n: 100 });
      expect([d?.kind, d?.fromWeight, d?.toWeight]).toEqual(['step', from, to]);
    }
    const [last] = await interval(a, 'api', { n: 100 });
    expect(last).toMatchObject({ kind: 'promoted', fromWeight: 100, toWeight: 100, canary: { requests: 100, errors: 0, successRate: 1, p99Ms: 5 } });
    const history = await service.history('api');
    expect(history.map((e) => [e.kind, e.actor, e.to.stable, e.to.candidates[0]?.weight])).toEqual([
      ['created', 'ann', '1', 10], ['step', 'paddock-analysis', '1', 25], ['step', 'paddock-analysis', '1', 50], ['step', 'paddock-analysis', '1', 100], ['promoted', 'paddock-analysis', '2', undefined],
    ]);
    expect(history[1]!.reason).toBe('canary passed: canary v2: 100 requests, 0 errors, success 100.00% (min 99.00%), p99 5 ms (max 500 ms); stable v1: 0 requests, success 100.00%, p99 0 ms; weight 10% → 25%');
    expect(history[4]!.reason).toMatch(/^canary passed at 100%: canary v2: 100 requests, .*stable v1: 200 requests.*; promoted version 2$/);
    // Promoted: no candidate, nothing more to do.
    t += INTERVAL * 1_000;
    expect(await a.tick()).toEqual([]);
    expect((await store.get('api')).policy).toEqual({ stable: '2', candidates: [] });
  });

  it('rolls back a canary with 5% errors after `threshold` failed checks, keeping the current stable', async () => {
    // Stable went 1 → 3, so DeploymentService.rollback would return to 1; an aborted canary keeps 3.
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [] }, analysis: config }, by);
    await service.set('api', { stable: '3' }, by);
    await service.set('api', { candidates: [{ version: '2', weight: 25 }] }, by);
    const a = analysis(['api']);
    await a.tick();
    const feedStable3 = async () => {
      t += 1_000;
      feed('api', 'canary', '2', 100, { errors: 5 });
      feed('api', 'stable', '3', 100);
      t += INTERVAL * 1_000 - 1_000;
      return a.tick();
    };
    expect((await feedStable3()).map((d) => [d.kind, d.failures, d.toWeight])).toEqual([['failed', 1, 25]]);
    expect((await store.get('api')).policy.candidates).toEqual([{ version: '2', weight: 25 }]);
    expect((await feedStable3()).map((d) => [d.kind, d.failures, d.toWeight])).toEqual([['rolled-back', 2, 0]]);
    expect((await store.get('api')).policy).toEqual({ stable: '3', candidates: [] });
    const events = (await service.history('api')).slice(3);
    expect(events.map((e) => [e.kind, e.actor])).toEqual([['analysis', 'paddock-analysis'], ['rolled-back', 'paddock-analysis']]);
    expect(events[0]!.reason).toBe('canary check failed (1 of 2): canary v2: 100 requests, 5 errors, success 95.00% (min 99.00%), p99 5 ms (max 500 ms); stable v3: 100 requests, success 100.00%, p99 5 ms; weight stays 25%');
    expect(events[1]!.reason).toMatch(/^canary failed 2 of 2 checks: canary v2: 100 requests, 5 errors, success 95\.00%.*; rolled back to version 3$/);
  });

  it('fails a slow canary on p99 (one slow request in 100 is within p99, two are not)', async () => {
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 10 }] }, analysis: { ...config, threshold: 1 } }, by);
    const a = analysis(['api']);
    await a.tick();
    expect((await interval(a, 'api', { n: 100, slow: 1 }))[0]).toMatchObject({ kind: 'step', canary: { p99Ms: 5 } });
    const [d] = await interval(a, 'api', { n: 100, slow: 2 });
    expect(d).toMatchObject({ kind: 'rolled-back', canary: { requests: 100, errors: 0, p99Ms: 900 } });
    expect(d!.reason).toContain('p99 900 ms (max 500 ms)');
    expect((await store.get('api')).policy).toEqual({ stable: '1', candidates: [] });
  });

  it('without enough samples: hold does nothing, fail counts a failed check, pass steps', async () => {
    for (const noData of ['hold', 'fail', 'pass'] as const) {
      await service.create({ name: noData, model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 10 }] }, analysis: { ...config, noData } }, by);
    }
    const a = analysis(['hold', 'fail', 'pass']);
    await a.tick();
    t += 1_000;
    for (const name of ['hold', 'fail', 'pass']) feed(name, 'canary', '2', 49);
    t += INTERVAL * 1_000;
    const out = await a.tick();
    expect(out.map((d) => [d.deployment, d.kind, d.toWeight, d.failures])).toEqual([['hold', 'hold', 10, 0], ['fail', 'failed', 10, 1], ['pass', 'step', 25, 0]]);
    expect(out[0]!.reason).toContain('canary v2: 49 requests (fewer than 50, no data: hold)');
    expect((await service.history('hold')).map((e) => e.kind)).toEqual(['created']);
    expect((await service.history('fail')).map((e) => e.kind)).toEqual(['created', 'analysis']);
    expect((await store.get('pass')).policy.candidates).toEqual([{ version: '2', weight: 25 }]);
    // A second empty interval: fail reaches its threshold and rolls back; hold still holds.
    t += INTERVAL * 1_000;
    expect((await a.tick()).map((d) => [d.deployment, d.kind])).toEqual([['hold', 'hold'], ['fail', 'rolled-back'], ['pass', 'step']]);
  });

  it('logs a store error during a tick, and the next tick works', async () => {
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 10 }] }, analysis: config }, by);
    const { logger, calls } = recordingLogger();
    let broken = false;
    const flaky: Pick<DeploymentStore, 'get' | 'update'> = {
      get: (name) => store.get(name),
      update: (...args) => (broken ? Promise.reject(new Error('database is locked')) : store.update(...args)),
    };
    const a = analysis(['api'], { store: flaky, logger });
    await a.tick();
    broken = true;
    expect(await interval(a, 'api', { n: 100 })).toEqual([]);
    expect(calls.warn).toHaveLength(1);
    expect(calls.warn[0]![0]).toMatchObject({ deployment: 'api', err: { message: 'database is locked' } });
    expect(calls.warn[0]![1]).toMatch(/retrying on the next tick/);
    broken = false;
    t += 1_000;
    // The same window is judged again (the 100 requests are still in it) and the step is written.
    expect((await a.tick()).map((d) => [d.kind, d.toWeight, d.canary?.requests])).toEqual([['step', 25, 100]]);
    expect((await store.get('api')).policy.candidates).toEqual([{ version: '2', weight: 25 }]);
  });

  it('never runs two ticks at once, starts a 0% canary at the first step and yields to a concurrent change', async () => {
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 0 }] }, analysis: config }, by);
    const a = analysis(['api']);
    const [one, two] = [a.tick(), a.tick()];
    expect(one).toBe(two);
    expect((await one).map((d) => [d.kind, d.toWeight])).toEqual([['started', 10]]);
    expect((await service.history('api')).map((e) => e.kind)).toEqual(['created', 'step']);
    // A person moves the canary while the analysis reads: the analysis write conflicts and theirs stands.
    const slowStore: Pick<DeploymentStore, 'get' | 'update'> = {
      get: async (name) => {
        const d = await store.get(name);
        await service.set('api', { candidates: [{ version: '2', weight: 40 }] }, by);
        return d;
      },
      update: (...args) => store.update(...args),
    };
    const { logger, calls } = recordingLogger();
    const b = analysis(['api'], { store: slowStore, logger });
    await b.tick();
    expect(await interval(b, 'api', { n: 100 })).toEqual([]);
    expect(calls.warn.some(([fields]) => isPaddockError((fields as { err: unknown }).err, 'CONFLICT'))).toBe(true);
    expect((await store.get('api')).policy.candidates).toEqual([{ version: '2', weight: 40 }]);
  });

  it('stop() ends the timer and waits for a tick in progress', async () => {
    vi.useFakeTimers();
    try {
      await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 0 }] }, analysis: config }, by);
      const a = analysis(['api'], { pollMs: 50 });
      a.start();
      await vi.advanceTimersByTimeAsync(60);
      await a.stop();
      expect(decisions.map((d) => d.kind)).toEqual(['started']);
      await service.set('api', { candidates: [{ version: '3', weight: 0 }] }, by);
      await vi.advanceTimersByTimeAsync(500);
      expect(decisions).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('CanaryAnalysis with shadow agreement and label shift', () => {
  let database: SqlDatabase;
  let service: DeploymentService;
  let store: SqlDeploymentStore;
  let t: number;
  let stats: VariantStats;
  const now = () => t;
  const shadowConfig: AnalysisConfig = { ...config, minAgreement: 0.97 };

  beforeEach(async () => {
    database = openDatabase('sqlite::memory:', { root: process.cwd() });
    await runMigrations(database.db, database.dialect, MIGRATIONS);
    const registry = new SqlRegistryStore(database);
    await registry.createModel({ name: 'churn' }, by);
    for (let i = 0; i < 3; i++) await registry.createVersion({ name: 'churn', source: `s3://m/${i + 1}` }, by);
    store = new SqlDeploymentStore(database);
    service = new DeploymentService({ deployments: store, registry });
    t = 1_700_000_000_000;
    stats = new VariantStats({ now });
  });
  afterEach(() => database.close());

  const analysis = (names: string[]) => new CanaryAnalysis({ service, store, stats, names, now });

  /** `n` mirrored requests of 4 rows from stable v1 (unless `primary`) to v2, `agreed` rows of each agreeing. */
  function mirror(name: string, n: number, opts: { agreed?: number; errors?: number; meanAbsDelta?: number; primary?: string } = {}) {
    for (let i = 0; i < n; i++) {
      const base = { deployment: name, model: 'churn', correlationId: `r${i}`, primaryVersion: opts.primary ?? '1', shadowVersion: '2', rows: 4, ms: 1, at: t };
      const agreed = opts.agreed ?? 4;
      const outcome = agreed === 4 ? 'agree' as const : 'disagree' as const;
      stats.recordShadow(i < (opts.errors ?? 0)
        ? { ...base, outcome: 'error', error: 'boom' }
        : opts.meanAbsDelta !== undefined
          ? { ...base, outcome, kind: 'regression', agreedRows: agreed, agreement: agreed / 4, meanAbsDelta: opts.meanAbsDelta }
          : { ...base, outcome, kind: 'classification', agreedRows: agreed, agreement: agreed / 4 });
    }
  }
  /** `n` healthy requests (5 ms, 200) to a variant, with predicted labels when given (one per request). */
  function requests(name: string, variant: 'stable' | 'canary', version: string, n: number, label?: (i: number) => string) {
    for (let i = 0; i < n; i++) stats.record({ deployment: name, variant, version, status: 200, ms: 5, ...(label ? { labels: [label(i)] } : {}) });
  }
  /** One interval: `traffic` one second in, then a tick at its end. */
  async function interval(a: CanaryAnalysis, traffic: () => void) {
    t += 1_000;
    traffic();
    t += INTERVAL * 1_000 - 1_000;
    return a.tick();
  }

  it('rolls back a healthy canary whose mirrored answers disagree with stable, after `threshold` failed checks; the reason has the numbers', async () => {
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 10 }], mirror: { version: '2', percent: 100 } }, analysis: shadowConfig }, by);
    const a = analysis(['api']);
    await a.tick();
    // 300 mirrored requests of 4 rows, 3 of 4 rows agreeing: 75% agreement.
    const traffic = () => {
      requests('api', 'canary', '2', 100);
      requests('api', 'stable', '1', 300);
      mirror('api', 300, { agreed: 3 });
    };
    const [first] = await interval(a, traffic);
    expect(first).toMatchObject({ kind: 'failed', failures: 1, toWeight: 10, canary: { requests: 100, successRate: 1 }, shadow: { requests: 300, rows: 1200, agreedRows: 900, agreement: 0.75 } });
    expect(first!.reason).toBe('canary check failed (1 of 2): canary v2: 100 requests, 0 errors, success 100.00% (min 99.00%), p99 5 ms (max 500 ms); '
      + 'stable v1: 300 requests, success 100.00%, p99 5 ms; shadow v2 of stable v1: 300 mirrored requests, 0 errors, agreement 75.00% over 1,200 rows (min 97.00%); weight stays 10%');
    const [second] = await interval(a, traffic);
    expect(second).toMatchObject({ kind: 'rolled-back', failures: 2, toWeight: 0 });
    expect((await store.get('api')).policy).toEqual({ stable: '1', candidates: [] });
    const history = await service.history('api');
    expect(history.map((e) => [e.kind, e.actor])).toEqual([['created', 'ann'], ['analysis', 'paddock-analysis'], ['rolled-back', 'paddock-analysis']]);
    expect(history[2]!.reason).toMatch(/^canary failed 2 of 2 checks: .*agreement 75\.00% over 1,200 rows \(min 97\.00%\); rolled back to version 1$/);
  });

  it('steps a canary whose mirrored answers agree; comparisons of the canary with itself and of other versions do not count', async () => {
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 10 }], mirror: { version: '2', percent: 100 } }, analysis: shadowConfig }, by);
    const a = analysis(['api']);
    await a.tick();
    const [d] = await interval(a, () => {
      requests('api', 'canary', '2', 60);
      mirror('api', 50, { agreed: 4 });
      mirror('api', 1, { agreed: 3 }); // 199/200 rows: 99.5%
      mirror('api', 500, { agreed: 0, primary: '2' }); // canary requests mirrored to the canary itself
      mirror('api', 500, { agreed: 0, primary: '3' }); // from another stable: not this rollout
    });
    expect(d).toMatchObject({ kind: 'step', fromWeight: 10, toWeight: 25, shadow: { requests: 51, rows: 204, agreedRows: 203 } });
    expect(d!.reason).toContain('shadow v2 of stable v1: 51 mirrored requests, 0 errors, agreement 99.51% over 204 rows (min 97.00%)');
  });

  it('without enough mirrored requests the shadow part follows noData: hold holds, fail counts a failed check; failed shadows count as disagreeing rows', async () => {
    for (const noData of ['hold', 'fail'] as const) {
      await service.create({ name: noData, model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 10 }], mirror: { version: '2', percent: 100 } }, analysis: { ...shadowConfig, noData } }, by);
    }
    const a = analysis(['hold', 'fail']);
    await a.tick();
    // The canary has plenty of healthy requests; the mirror produced none (e.g. mirroring stalled).
    const out = await interval(a, () => ['hold', 'fail'].forEach((n) => requests(n, 'canary', '2', 100)));
    expect(out.map((d) => [d.deployment, d.kind, d.toWeight, d.failures])).toEqual([['hold', 'hold', 10, 0], ['fail', 'failed', 10, 1]]);
    expect(out[0]!.reason).toContain('shadow v2 of stable v1: 0 mirrored requests (fewer than 50, no data: hold)');
    expect((await service.history('hold')).map((e) => e.kind)).toEqual(['created']);
    // Enough mirrored requests, but 10 of 60 failed on the canary: their rows do not agree.
    const [held] = await interval(a, () => {
      requests('hold', 'canary', '2', 100);
      mirror('hold', 60, { errors: 10 });
    });
    expect(held).toMatchObject({ kind: 'failed', shadow: { requests: 60, errors: 10, rows: 240, agreedRows: 200 } });
  });

  it('mirror first: a 0% canary mirrored to is judged on its shadow answers alone, then stepped to the first weight', async () => {
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 0 }], mirror: { version: '2', percent: 100 } }, analysis: shadowConfig }, by);
    const a = analysis(['api']);
    expect(await a.tick()).toEqual([]); // not started at 10%: the mirror phase begins
    expect((await store.get('api')).revision).toBe(1);
    const [d] = await interval(a, () => mirror('api', 80));
    expect(d).toMatchObject({ kind: 'step', fromWeight: 0, toWeight: 10, shadow: { requests: 80, agreement: 1 } });
    expect(d!.reason).toBe('shadow passed: stable v1: 0 requests, success 100.00%, p99 0 ms; shadow v2 of stable v1: 80 mirrored requests, 0 errors, agreement 100.00% over 320 rows (min 97.00%); weight 0% → 10%');
    // The mirror stays: from now on the canary's requests and its shadow answers are both judged.
    expect((await store.get('api')).policy).toEqual({ stable: '1', candidates: [{ version: '2', weight: 10 }], mirror: { version: '2', percent: 100 } });
  });

  it('mirror first: disagreeing shadow answers roll the 0% canary back, dropping the mirror', async () => {
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 0 }], mirror: { version: '2', percent: 100 } }, analysis: { ...shadowConfig, threshold: 1 } }, by);
    const a = analysis(['api']);
    await a.tick();
    const [d] = await interval(a, () => mirror('api', 80, { agreed: 2 }));
    expect(d).toMatchObject({ kind: 'rolled-back', fromWeight: 0, toWeight: 0, failures: 1 });
    expect(d!.reason).toMatch(/^shadow failed 1 of 1 checks: .*agreement 50\.00% over 320 rows \(min 97\.00%\); rolled back to version 1$/);
    expect((await store.get('api')).policy).toEqual({ stable: '1', candidates: [] });
  });

  it('regression: fails on the mean |Δ| of the mirrored answers', async () => {
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 10 }], mirror: { version: '2', percent: 50 } }, analysis: { ...config, maxMeanAbsDelta: 0.5, threshold: 1 } }, by);
    const a = analysis(['api']);
    await a.tick();
    const [ok] = await interval(a, () => {
      requests('api', 'canary', '2', 60);
      mirror('api', 60, { meanAbsDelta: 0.25, agreed: 0 });
    });
    expect(ok).toMatchObject({ kind: 'step', shadow: { meanAbsDelta: 0.25 } });
    expect(ok!.reason).toContain('agreement 0.00% over 240 rows, mean |Δ| 0.25 (max 0.5)');
    const [bad] = await interval(a, () => {
      requests('api', 'canary', '2', 60);
      mirror('api', 60, { meanAbsDelta: 0.75 });
    });
    expect(bad).toMatchObject({ kind: 'rolled-back' });
    expect(bad!.reason).toContain('mean |Δ| 0.75 (max 0.5)');
  });

  it("fails a canary whose predicted labels shift from stable's beyond maxLabelShift", async () => {
    await service.create({ name: 'api', model: 'churn', policy: { stable: '1', candidates: [{ version: '2', weight: 50 }] }, analysis: { ...config, maxLabelShift: 0.2, threshold: 1 } }, by);
    const a = analysis(['api']);
    await a.tick();
    // Stable predicts 'late' for half its rows; the canary for 60%: shift 0.1.
    const [ok] = await interval(a, () => {
      requests('api', 'stable', '1', 100, (i) => (i % 2 === 0 ? 'late' : 'on-time'));
      requests('api', 'canary', '2', 100, (i) => (i % 10 < 6 ? 'late' : 'on-time'));
    });
    expect(ok).toMatchObject({ kind: 'step', labelShift: { canaryRows: 100, stableRows: 100 } });
    expect(ok!.labelShift!.shift).toBeCloseTo(0.1, 10);
    expect(ok!.reason).toContain('label shift 0.100 (max 0.2) over 100 canary and 100 stable rows');
    // Now the canary predicts 'late' for every row: shift 0.5.
    const [bad] = await interval(a, () => {
      requests('api', 'stable', '1', 100, (i) => (i % 2 === 0 ? 'late' : 'on-time'));
      requests('api', 'canary', '2', 100, () => 'late');
    });
    expect(bad).toMatchObject({ kind: 'rolled-back' });
    expect(bad!.reason).toContain('label shift 0.500 (max 0.2)');
  });
});

describe('resolveAnalysisConfig', () => {
  it('fills defaults over a base and checks every field, naming it', () => {
    expect(resolveAnalysisConfig({})).toEqual(DEFAULT_ANALYSIS);
    expect(resolveAnalysisConfig({ intervalSeconds: 30, stepWeights: [5, 100], noData: 'fail' }, config)).toEqual({ ...config, intervalSeconds: 30, stepWeights: [5, 100], noData: 'fail' });
    const bad = (input: Partial<AnalysisConfig>): string => {
      try {
        resolveAnalysisConfig(input, DEFAULT_ANALYSIS, { stepWeights: '--step-weights' });
      } catch (err) {
        if (isPaddockError(err, 'INVALID_ARGUMENT')) return err.message;
        throw err;
      }
      return 'accepted';
    };
    expect(bad({ stepWeights: [10, 10, 50] })).toMatch(/^--step-weights: give rising canary weights/);
    expect(bad({ stepWeights: [] })).toMatch(/^--step-weights/);
    expect(bad({ stepWeights: [50, 101] })).toMatch(/^--step-weights/);
    expect(bad({ intervalSeconds: 0 })).toMatch(/^analysis\.intervalSeconds/);
    expect(bad({ threshold: 1.5 })).toMatch(/^analysis\.threshold/);
    expect(bad({ minSamples: -1 })).toMatch(/^analysis\.minSamples/);
    expect(bad({ successRate: 1.2 })).toMatch(/^analysis\.successRate/);
    expect(bad({ p99LatencyMs: Number.NaN })).toMatch(/^analysis\.p99LatencyMs/);
    expect(bad({ noData: 'skip' as 'hold' })).toMatch(/^analysis\.noData: .* hold, fail or pass \(got "skip"\)/);
    expect(bad({ minAgreement: 1.5 })).toMatch(/^analysis\.minAgreement: the minimum shadow agreement must be a fraction from 0 to 1/);
    expect(bad({ maxMeanAbsDelta: -1 })).toMatch(/^analysis\.maxMeanAbsDelta/);
    expect(bad({ maxLabelShift: 2 })).toMatch(/^analysis\.maxLabelShift/);
    // The optional bounds are kept when given, absent otherwise; a base's bounds carry over.
    expect(resolveAnalysisConfig({ minAgreement: 0.97, maxMeanAbsDelta: 0, maxLabelShift: 0.1 })).toEqual({ ...DEFAULT_ANALYSIS, minAgreement: 0.97, maxMeanAbsDelta: 0, maxLabelShift: 0.1 });
    expect(resolveAnalysisConfig({ threshold: 3 }, { ...config, minAgreement: 0.9 })).toEqual({ ...config, threshold: 3, minAgreement: 0.9 });
    expect('minAgreement' in resolveAnalysisConfig({})).toBe(false);
  });
});
