// The generated files are checked against the JSON Schemas the CI systems publish, vendored
// under test/fixtures/schemas (see the README there for where each came from).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isPaddockError } from '../../core/errors.js';
import { renderGithubActions } from './github-actions.js';
import { GITLAB_STAGES, renderGitlabCi } from './gitlab-ci.js';
import { renderCiWorkflow } from './ci-workflow.js';
import { planWorkflow, type CiWorkflowOptions } from './workflow-plan.js';

const SCHEMAS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../test/fixtures/schemas');

function validator(file: string): ValidateFunction {
  // Both schemas are draft-07. GitLab's uses keywords ajv's strict mode rejects (markdownDescription),
  // and formats need ajv-formats, which is not installed: the structure is what is checked here.
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  return ajv.compile(JSON.parse(readFileSync(path.join(SCHEMAS, file), 'utf8')));
}

const github = validator('github-workflow.json');
const gitlab = validator('gitlab-ci.json');

function expectValid(validate: ValidateFunction, doc: unknown): void {
  const ok = validate(doc);
  expect(ok ? [] : validate.errors).toEqual([]);
}

const CUSTOM: CiWorkflowOptions = {
  name: 'fraud-detector',
  data: 'data/transactions.parquet',
  schema: 'schemas/transactions.yaml',
  package: 'build/model',
  testData: 'data/holdout.parquet',
  target: 'is_fraud',
  gates: ['auc >= champion.auc - 0.005', 'recall >= 0.9', `precision >= 0.8 && note == "it's: {ok} [x] # y"`, "f1 > champion.f1 * 0.99 || model == 'baseline'"],
  report: 'reports/evaluation.html',
  branch: 'trunk',
  node: '22',
};

const VARIANTS: readonly [string, CiWorkflowOptions][] = [['defaults', { name: 'churn' }], ['custom options', CUSTOM]];

/** Index of each command in the text, in the chain's order; -1 if missing. */
function positions(text: string, commands: readonly string[]): number[] {
  return commands.map((c) => text.indexOf(c));
}

describe('GitHub Actions workflow', () => {
  for (const [label, options] of VARIANTS) {
    it(`validates against SchemaStore's github-workflow schema (${label})`, () => {
      const text = renderGithubActions(planWorkflow(options));
      expectValid(github, parse(text));
    });
  }

  it('round-trips through YAML with the chain in order, gates intact, secrets and the main-only register step', () => {
    const plan = planWorkflow(CUSTOM);
    const text = renderGithubActions(plan);
    const doc = parse(text);
    const job = doc.jobs.paddock;
    expect(doc.on).toEqual(['push', 'pull_request']);
    expect(job['runs-on']).toBe('ubuntu-latest');
    expect(job.env).toEqual({
      PADDOCK_TRACKING_URI: '${{ secrets.PADDOCK_TRACKING_URI }}',
      AWS_ACCESS_KEY_ID: '${{ secrets.AWS_ACCESS_KEY_ID }}',
      AWS_SECRET_ACCESS_KEY: '${{ secrets.AWS_SECRET_ACCESS_KEY }}',
    });
    const steps: Record<string, unknown>[] = job.steps;
    expect(steps.slice(0, 2)).toEqual([
      { name: 'Check out', uses: 'actions/checkout@v4' },
      { name: 'Set up Node.js', uses: 'actions/setup-node@v4', with: { 'node-version': '22', cache: 'npm' } },
    ]);
    // Every step of the plan, in order, exactly as planned (so YAML quoting lost nothing).
    expect(steps.filter((s) => 'run' in s).map((s) => s.run)).toEqual(plan.steps.map((s) => s.command));
    const upload = steps.find((s) => s.uses === 'actions/upload-artifact@v4')!;
    expect(upload).toMatchObject({ if: 'always()', with: { path: 'reports/evaluation.html' } });
    expect(steps.indexOf(upload)).toBe(steps.findIndex((s) => String(s.run).includes('paddock evaluate')) + 1);
    const register = steps.at(-1)!;
    expect(register.run).toBe('npx paddock models register build/model --name fraud-detector --alias challenger');
    expect(register.if).toBe("github.ref == 'refs/heads/trunk' && github.event_name == 'push'");
    expect(steps.filter((s) => 'if' in s && s !== upload)).toEqual([register]);
    expect(text).toMatch(/^# Paddock CI/);
    for (const secret of ['PADDOCK_TRACKING_URI', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) expect(text).toMatch(new RegExp(`^#.*${secret}`, 'm'));
  });

  it('refuses a value GitHub would evaluate as an expression', () => {
    try {
      renderGithubActions(planWorkflow({ name: 'm', gates: ['auc > ${{ secrets.AWS_SECRET_ACCESS_KEY }}'] }));
      expect.unreachable();
    } catch (err) {
      expect(isPaddockError(err, 'INVALID_ARGUMENT')).toBe(true);
    }
  });
});

describe('GitLab CI pipeline', () => {
  for (const [label, options] of VARIANTS) {
    it(`validates against GitLab's CI schema (${label})`, () => {
      const text = renderGitlabCi(planWorkflow(options));
      expectValid(gitlab, parse(text));
    });
  }

  it('round-trips through YAML with stages, npm cache, artifacts and the default-branch rule', () => {
    const plan = planWorkflow(CUSTOM);
    const text = renderGitlabCi(plan);
    const doc = parse(text);
    expect(doc.stages).toEqual([...GITLAB_STAGES]);
    expect(doc.stages).toEqual(['validate', 'train', 'evaluate', 'register']);
    expect(doc.default.image).toBe('node:22');
    expect(doc.default.cache).toEqual({ key: { files: ['package-lock.json'] }, paths: ['.npm/'] });
    expect(doc.default.before_script).toEqual(['npm ci --cache .npm --prefer-offline']);
    const cmd = Object.fromEntries(plan.steps.map((s) => [s.id, s.command]));
    expect(doc.validate).toEqual({ stage: 'validate', script: [cmd.pull, cmd.validate] });
    expect(doc.train.script).toEqual([cmd.pull, cmd.repro]);
    expect(doc.train.artifacts.paths).toEqual(['build/model', 'data/holdout.parquet']);
    expect(doc.evaluate.script).toEqual([cmd.evaluate]);
    expect(doc.evaluate.artifacts).toMatchObject({ paths: ['reports/evaluation.html'], when: 'always' });
    expect(doc.register).toEqual({ stage: 'register', script: [cmd.register], rules: [{ if: '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH' }] });
    expect(text).toMatch(/^# Paddock CI/);
    for (const secret of ['PADDOCK_TRACKING_URI', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) expect(text).toMatch(new RegExp(`^#.*${secret}`, 'm'));
  });
});

describe('both providers', () => {
  for (const provider of ['github', 'gitlab'] as const) {
    it(`${provider}: the commands appear in the chain's order`, () => {
      const text = renderCiWorkflow(provider, CUSTOM);
      const at = positions(text, ['npm ci', 'npx paddock pull', 'npx paddock validate', 'npx paddock repro', 'npx paddock evaluate', 'npx paddock models register']);
      expect(at.every((p) => p >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    });
  }
});

describe('the schema check can fail', () => {
  it('rejects a GitHub workflow without `on` and `jobs`, and one with a typo in a step', () => {
    const doc = parse(renderGithubActions(planWorkflow({ name: 'churn' })));
    const { on: _on, jobs: _jobs, ...mangled } = doc;
    expect(github(mangled)).toBe(false);
    expect(github.errors!.map((e) => e.params)).toEqual(expect.arrayContaining([{ missingProperty: 'on' }, { missingProperty: 'jobs' }]));
    doc.jobs.paddock.steps[2] = { name: 'x', runs: 'npm ci' };
    expect(github(doc)).toBe(false);
    doc.jobs.paddock.steps[2] = { name: 'x', run: 'npm ci' };
    doc.jobs.paddock['runs-on'] = undefined;
    expect(github(JSON.parse(JSON.stringify(doc)))).toBe(false);
  });

  it('rejects a GitLab job with a misspelt keyword or a bad artifacts `when`', () => {
    const doc = parse(renderGitlabCi(planWorkflow({ name: 'churn' })));
    expect(gitlab({ ...doc, validate: { stage: 'validate', scirpt: ['npx paddock pull'] } })).toBe(false);
    expect(gitlab({ ...doc, evaluate: { ...doc.evaluate, artifacts: { ...doc.evaluate.artifacts, when: 'sometimes' } } })).toBe(false);
    expect(gitlab({ ...doc, stages: 'validate' })).toBe(false);
    expectValid(gitlab, doc);
  });
});
