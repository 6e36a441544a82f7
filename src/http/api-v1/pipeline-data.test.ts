import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { pipelineProject } from '../../test-support/pipeline-project.js';
import { startListening, type ServeProcess } from '../../test-support/serve-process.js';
import { call } from '../test-server.js';
import { parseValidateCommand } from './data-validations.js';

/** The pipeline and data endpoints of a real `paddock server` over a project built with the real CLI and git. */
let project: Awaited<ReturnType<typeof pipelineProject>>;
let server: ServeProcess;
beforeAll(async () => {
  project = await pipelineProject();
  server = await startListening(project.dir, ['server', '--port', '0', '--no-triggers']);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  project?.cleanup();
});

describe('/api/v1/pipeline', () => {
  test('stages with deps, outs, edges and status: changed, up to date, failed', async () => {
    const res = await call(server, 'GET', '/api/v1/pipeline');
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(res.body.stages.map((s: { name: string }) => [s.name, s]));
    expect(Object.keys(byName)).toEqual(['validate', 'prepare', 'train', 'report']);
    expect(byName.validate).toMatchObject({ state: 'changed', lastRun: 'finished', reasons: ['deps: data/raw.csv modified'] });
    expect(byName.prepare).toMatchObject({ state: 'changed', deps: ['data/raw.csv', 'reports/validation.html'], outs: [{ path: 'prepared.csv', kind: 'outs' }] });
    expect(byName.train).toMatchObject({ state: 'up to date', lastRun: 'finished', reasons: [] });
    expect(byName.report).toMatchObject({ state: 'failed', lastRun: 'failed', reasons: expect.arrayContaining(['not in dvc.lock yet']) });
    expect(res.body.edges).toEqual([{ from: 'validate', to: 'prepare' }, { from: 'prepare', to: 'train' }, { from: 'train', to: 'report' }]);
  });

  test("a stage's last log, and an unknown stage named with the ones there are", async () => {
    const log = await call(server, 'GET', '/api/v1/pipeline/stages/report/log');
    expect(log.body).toMatchObject({ stage: 'report', state: 'failed', truncated: false });
    expect(log.body.text).toContain('report exploded');
    expect(log.body.text).toMatch(/# failed: /);
    const train = await call(server, 'GET', '/api/v1/pipeline/stages/train/log');
    expect(train.body.text).toContain('trained a model');
    const missing = await call(server, 'GET', '/api/v1/pipeline/stages/nope/log');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect(missing.body.error.message).toContain('stages: validate, prepare, train, report');
  });
});

describe('/api/v1/data', () => {
  test('lists .dvc outputs and pipeline outputs with md5 and size', async () => {
    const res = await call(server, 'GET', '/api/v1/data');
    const paths = res.body.items.map((i: { path: string; source: string }) => `${i.source}:${i.path}`);
    expect(paths).toEqual(['dvc:data/raw.csv', 'pipeline:reports/validation.html', 'pipeline:prepared.csv', 'pipeline:model.txt']);
    expect(res.body.items[0]).toMatchObject({ file: 'data/raw.csv.dvc', size: 'city,temp\nOslo,3\nLima,19\nCairo,25\nQuito,14\n'.length, isDir: false });
    expect(res.body.items[2]).toMatchObject({ stage: 'prepare', file: 'dvc.lock' });
  });

  test('history: the workspace version first, then each commit that changed it', async () => {
    const res = await call(server, 'GET', '/api/v1/data/history', { path: 'data/raw.csv' });
    expect(res.body.git).toBe(true);
    const rows = res.body.revisions as { commit?: string; subject?: string; size: number; author?: string }[];
    expect(rows.map((r) => r.commit)).toEqual([undefined, project.commits[1], project.commits[0]]);
    expect(rows.map((r) => r.size)).toEqual(['city,temp\nOslo,3\nLima,19\nCairo,25\nQuito,14\n', 'city,temp\nOslo,3\nLima,19\nCairo,25\n', 'city,temp\nOslo,3\nLima,19\n'].map((t) => t.length));
    expect(rows[1]).toMatchObject({ subject: 'add Cairo', author: 'Ada' });
    const model = await call(server, 'GET', '/api/v1/data/history', { path: 'model.txt' });
    expect(model.body.revisions.map((r: { commit: string }) => r.commit)).toEqual([project.commits[1], project.commits[0]]);
    const untracked = await call(server, 'GET', '/api/v1/data/history', { path: 'schema.yaml' });
    expect([untracked.status, untracked.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const noPath = await call(server, 'GET', '/api/v1/data/history');
    expect([noPath.status, noPath.body.error.message]).toEqual([400, expect.stringContaining("'path'")]);
  });

  test('validations with their counts and report, and the report itself (only reports are served)', async () => {
    const res = await call(server, 'GET', '/api/v1/data/validations', { path: 'data/raw.csv' });
    expect(res.body.items).toHaveLength(2);
    expect(res.body.items[0]).toMatchObject({ data: 'data/raw.csv', passed: true, rows: 3, errors: 0, report: 'reports/validation.html' });
    expect(res.body.items[1]).toMatchObject({ rows: 2 });
    const report = await call(server, 'GET', '/api/v1/data/validations/report', { path: 'reports/validation.html' });
    expect(report.body.html).toMatch(/<html/i);
    const other = await call(server, 'GET', '/api/v1/data/validations/report', { path: 'dvc.yaml' });
    expect([other.status, other.body.error.code]).toEqual([404, 'NOT_FOUND']);
  });

  test('the validate command parser finds data and report', () => {
    expect(parseValidateCommand('paddock validate data/a.parquet --schema s.yaml --html reports/v.html')).toEqual({ data: 'data/a.parquet', html: 'reports/v.html' });
    expect(parseValidateCommand('node "/x/bin/paddock.js" validate -s s.yaml d.csv --html=r.html')).toEqual({ data: 'd.csv', html: 'r.html' });
    expect(parseValidateCommand('paddock validate infer d.csv -o s.yaml')).toBeUndefined();
    expect(parseValidateCommand('paddock validate d.csv --schema s.yaml')).toBeUndefined();
  });
});
