import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { promotionConfigSchema } from '../../core/config-automation.js';
import { isPaddockError } from '../../core/errors.js';
import type { RegistryStore } from '../../registry/index.js';
import { CanaryAnalysis, DeploymentService, VariantStats, type AnalysisDecision } from '../../serving/index.js';
import { SqlDeploymentStore } from '../../storage/sql/deployments/sql-deployment-store.js';
import { openMetadataStore, type MetadataStore } from '../../storage/sql/open-metadata-store.js';
import { SqlPromotionStore } from '../../storage/sql/promotion/sql-promotion-store.js';
import { SqlRegistryStore } from '../../storage/sql/registry/sql-registry-store.js';
import { caught } from '../../test-support/caught.js';
import { auditChain, auditLines, renderAuditHtml } from '../audit/index.js';
import { approveVersion, checkPromotion, EVALUATION_TAGS, VALIDATION_EXPERIMENT, VALIDATION_TAGS, withPromotionPolicy, withPromotionPolicyDeployments, type PromotionGuardDeps } from './index.js';

const by = { actor: 'ann' };
const MD5 = 'a'.repeat(32);
const HASH = 'b'.repeat(64);
const config = promotionConfigSchema.parse({
  policies: { churn: { aliases: ['champion'], deployments: ['prod'], require: { validation: true, gates: true, slices: { weekday: 'auc >= 0.6' }, approvals: 1 } } },
});

describe('promotion policies', () => {
  let dir: string;
  let meta: MetadataStore;
  let registry: SqlRegistryStore;
  let store: SqlPromotionStore;
  let deps: PromotionGuardDeps;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'paddock-promotion-'));
    meta = await openMetadataStore('sqlite:paddock.db', { root: dir, artifactsRoot: path.join(dir, 'artifacts') });
    registry = new SqlRegistryStore(meta);
    store = new SqlPromotionStore(meta);
    deps = { registry, tracking: meta.tracking, store, config };
    const train = await run('train', 'train churn');
    await meta.tracking.logInputs(train, [{ name: 'data/train.csv', digest: MD5, source: 'data/train.csv', sourceType: 'dvc', tags: {} }]);
    await meta.tracking.logBatch(train, { params: [{ key: 'algorithm', value: 'gbdt' }] });
    await registry.createModel({ name: 'churn' }, by);
    await registry.createVersion({ name: 'churn', source: `/art/packages/churn/${HASH}`, runId: train }, by);
    await registry.createVersion({ name: 'churn', source: '/art/other' }, by);
  });
  afterEach(async () => {
    await meta.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(experiment: string, name: string, tags: Record<string, string> = {}, metrics: Record<string, number> = {}): Promise<string> {
    const id = await meta.tracking.getExperimentByName(experiment).then((e) => e.experimentId, () => meta.tracking.createExperiment({ name: experiment }));
    const r = await meta.tracking.createRun({ experimentId: id, runName: name, startTime: Date.now() });
    await meta.tracking.logBatch(r.info.runId, { tags, metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: Date.now() })) });
    await meta.tracking.updateRun(r.info.runId, { status: 'FINISHED', endTime: Date.now() });
    return r.info.runId;
  }
  const validation = (passed: boolean) => run(VALIDATION_EXPERIMENT, 'validate', { [VALIDATION_TAGS.md5]: MD5, [VALIDATION_TAGS.passed]: String(passed) });
  const evaluation = (gates: string, monday: number, tags: Record<string, string> = { [EVALUATION_TAGS.packageHash]: HASH }) =>
    run('evaluate', 'evaluate', { ...tags, [EVALUATION_TAGS.gates]: gates }, { auc: 0.8, 'slice.weekday.Mon.auc': monday, 'slice.weekday.Tue.auc': 0.7 });
  async function allEvidence(): Promise<void> {
    await validation(true);
    await evaluation('passed: auc >= 0.7', 0.65);
    await approveVersion({ registry, store }, 'churn', 1, { actor: 'bob', reason: 'looks good' });
  }
  const failing = async (version = 1) => (await checkPromotion(deps, 'churn', version, { alias: 'champion' })).filter((c) => !c.passed).map((c) => c.check);

  it('names every missing check when nothing was recorded, and passes once everything is', async () => {
    const checks = await checkPromotion(deps, 'churn', 1, { alias: 'champion' });
    expect(checks.map((c) => [c.check, c.passed])).toEqual([['validation', false], ['gates', false], ['slices.weekday', false], ['approvals', false]]);
    expect(checks[0]!.detail).toMatch(/data\/train\.csv \(md5 aaaaaaaa\) was never validated/);
    expect(checks[3]!.detail).toMatch(/0 of 1 approval: `paddock approve churn 1`/);
    await allEvidence();
    expect(await failing()).toEqual([]);
    // An alias the policy does not guard, and a model without a policy, need nothing.
    expect(await checkPromotion(deps, 'churn', 2, { alias: 'staging' })).toEqual([]);
  });

  it('refuses each missing piece by name: failed validation, failed gate, slice below its bound, no approval', async () => {
    await allEvidence();
    await validation(false);
    expect(await failing()).toEqual(['validation']);
    await validation(true);
    await evaluation('passed: auc >= 0.7\nfailed: f1 >= 0.9', 0.65);
    const checks = await checkPromotion(deps, 'churn', 1, { alias: 'champion' });
    expect(checks.find((c) => c.check === 'gates')).toMatchObject({ passed: false, detail: expect.stringContaining('failed 1 of 2 gates: f1 >= 0.9') });
    await evaluation('passed: auc >= 0.7', 0.55, { [EVALUATION_TAGS.model]: 'churn', [EVALUATION_TAGS.version]: '1' });
    const slice = (await checkPromotion(deps, 'churn', 1, { alias: 'champion' })).find((c) => c.check === 'slices.weekday');
    expect(slice).toMatchObject({ passed: false, detail: expect.stringContaining('weekday=Mon: auc = 0.55, needs >= 0.6') });
    expect(await failing(2)).toEqual(['validation', 'gates', 'slices.weekday', 'approvals']);
  });

  it('guards the alias: POLICY_VIOLATION listing the checks; an override needs a reason and is audited', async () => {
    const guarded: RegistryStore = withPromotionPolicy(registry, deps);
    const err = await caught(() => guarded.setAlias('churn', 'champion', 1, by));
    expect(isPaddockError(err, 'POLICY_VIOLATION')).toBe(true);
    expect((err.details.failed as { check: string }[]).map((f) => f.check)).toEqual(['validation', 'gates', 'slices.weekday', 'approvals']);
    expect((await registry.getModel('churn')).aliases).toEqual({});
    await guarded.setAlias('churn', 'staging', 2, by);
    expect(isPaddockError(await caught(() => guarded.setAlias('churn', 'champion', 1, { ...by, override: true })), 'INVALID_ARGUMENT')).toBe(true);
    await guarded.setAlias('churn', 'champion', 1, { actor: 'root', reason: 'hotfix', override: true });
    expect((await registry.getModel('churn')).aliases.champion).toBe(1);
    const override = (await registry.auditLog('churn')).find((e) => e.action === 'policy.override');
    expect(override).toMatchObject({ actor: 'root', reason: 'hotfix', version: 1, alias: 'champion' });
    expect(override!.to).toContain('approvals: 0 of 1 approval');
    await allEvidence();
    await guarded.setAlias('churn', 'champion', 2, by).then(() => expect.fail('version 2 has no evidence'), (e: unknown) => expect(isPaddockError(e, 'POLICY_VIOLATION')).toBe(true));
  });

  it('guards deployments: create and promote are refused, rollback is not; a canary that passes is held, then promoted once approved', async () => {
    const deployments = new SqlDeploymentStore(meta);
    const service = new DeploymentService({ deployments: withPromotionPolicyDeployments(deployments, deps), registry });
    expect(isPaddockError(await caught(() => service.create({ name: 'prod', model: 'churn', policy: { stable: '1', candidates: [] } }, by)), 'POLICY_VIOLATION')).toBe(true);
    // `staging` is not a guarded deployment.
    await service.create({ name: 'staging', model: 'churn', policy: { stable: '2', candidates: [] } }, by);
    await service.create({ name: 'prod', model: 'churn', policy: { stable: '2', candidates: [] } }, { ...by, reason: 'bootstrap', override: true });
    await service.set('prod', { candidates: [{ version: '1', weight: 100 }] }, by);
    expect(isPaddockError(await caught(() => service.promote('prod', by)), 'POLICY_VIOLATION')).toBe(true);

    let t = 1_700_000_000_000;
    const stats = new VariantStats({ now: () => t });
    const decisions: AnalysisDecision[] = [];
    await deployments.update('prod', { policy: { stable: '2', candidates: [{ version: '1', weight: 100 }] }, analysis: { intervalSeconds: 1, stepWeights: [100], threshold: 2, minSamples: 1, successRate: 0.5, p99LatencyMs: 1000, noData: 'hold' }, kind: 'analysis' }, by);
    const analysis = new CanaryAnalysis({ service, store: deployments, stats, names: ['prod'], now: () => t, onDecision: (d) => decisions.push(d) });
    await analysis.tick();
    const tick = async () => {
      t += 1000;
      for (let i = 0; i < 5; i++) stats.record({ deployment: 'prod', variant: 'canary', version: '1', status: 200, ms: 5 });
      for (let i = 0; i < 5; i++) stats.record({ deployment: 'prod', variant: 'stable', version: '2', status: 200, ms: 5 });
      t += 1000;
      return analysis.tick();
    };
    const [held] = await tick();
    expect(held).toMatchObject({ kind: 'hold', reason: expect.stringMatching(/promotion was refused: .*approvals/) });
    expect((await deployments.get('prod')).policy.stable).toBe('2');
    await tick();
    const analysisEvents = (await deployments.history('prod')).filter((e) => e.kind === 'analysis' && e.reason?.includes('refused'));
    expect(analysisEvents).toHaveLength(1);
    await allEvidence();
    const [promoted] = await tick();
    expect(promoted).toMatchObject({ kind: 'promoted' });
    expect((await deployments.get('prod')).policy.stable).toBe('1');
    await service.rollback('prod', by);
    expect((await deployments.get('prod')).policy.stable).toBe('2');
  });

  it('approvals: one per person per version, listed oldest first', async () => {
    await approveVersion({ registry, store }, 'churn', 1, { actor: 'bob' });
    expect(isPaddockError(await caught(() => approveVersion({ registry, store }, 'churn', 1, { actor: 'bob' })), 'ALREADY_EXISTS')).toBe(true);
    expect(isPaddockError(await caught(() => approveVersion({ registry, store }, 'churn', 9, { actor: 'bob' })), 'NOT_FOUND')).toBe(true);
    await approveVersion({ registry, store }, 'churn', 1, { actor: 'cat', reason: 'ok' });
    expect((await store.approvals('churn', 1)).map((a) => [a.approver, a.reason])).toEqual([['bob', undefined], ['cat', 'ok']]);
    expect(await store.approvals('churn', 2)).toEqual([]);
  });

  it('rejects a malformed slice bound as a config error naming the key', async () => {
    const bad = promotionConfigSchema.parse({ policies: { '*': { require: { slices: { weekday: 'auc >=' } } } } });
    const err = await caught(() => checkPromotion({ ...deps, config: bad }, 'churn', 1, { alias: 'champion' }));
    expect(isPaddockError(err, 'CONFIG_INVALID')).toBe(true);
    expect((err as Error).message).toContain('promotion.policies.*.require.slices.weekday');
  });

  it('audits the chain of a production version: data and validation, training, evaluation, approvals, promotion', async () => {
    await allEvidence();
    const guarded = withPromotionPolicy(registry, deps);
    await guarded.setAlias('churn', 'champion', 1, { actor: 'ann', reason: 'release' });
    const report = await auditChain({ ...deps, deployments: new SqlDeploymentStore(meta) }, 'churn', { now: 0 });
    expect(report.versions.map((v) => [v.version, v.servedAs])).toEqual([[1, ['alias champion']]]);
    const v = report.versions[0]!;
    expect(v.trigger.kind).toBe('manual/unknown');
    expect(v.data).toMatchObject([{ name: 'data/train.csv', digest: MD5, validation: { passed: true } }]);
    expect(v.training).toMatchObject({ name: 'train churn', params: { algorithm: 'gbdt' } });
    expect(v.evaluation?.gates).toEqual([{ status: 'passed', expression: 'auc >= 0.7' }]);
    expect(v.approvals.map((a) => a.approver)).toEqual(['bob']);
    expect(v.promotion.map((e) => [e.action, e.actor, e.reason])).toEqual([['alias.set', 'ann', 'release']]);
    const text = auditLines(report).map((l) => l.text).join('\n');
    expect(text).toMatch(/version 1 .*: alias champion/);
    expect(text).toMatch(/validation passed in run/);
    expect(text).toMatch(/approved by bob at .*: looks good/);
    expect(text).toMatch(/promotion alias\.set at .* by ann: alias champion → 1 \(reason: release\)/);
    const html = renderAuditHtml({ ...report, model: '<churn>' });
    expect(html).toContain('&lt;churn&gt;');
    expect(html).not.toContain('<churn>');
  });
});
