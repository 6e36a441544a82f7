import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import { shellQuote } from './shell-quote.js';
import { CI_SECRETS, DEFAULT_GATES, planWorkflow } from './workflow-plan.js';

/** What a real POSIX shell makes of a command line: its words after `npx paddock`. */
function shellWords(command: string): string[] {
  expect(command.startsWith('npx paddock ')).toBe(true);
  const probe = `printf '%s\\0' ${command.slice('npx paddock '.length)}`;
  return execFileSync('/bin/sh', ['-c', probe], { encoding: 'utf8' }).split('\0').slice(0, -1);
}

function thrownCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    return isPaddockError(err) ? `${err.code}: ${err.message}` : 'not a PaddockError';
  }
  return undefined;
}

describe('planWorkflow', () => {
  it('builds the chain in order with every default', () => {
    const plan = planWorkflow({ name: 'churn' });
    expect(plan.steps.map((s) => s.id)).toEqual(['install', 'pull', 'validate', 'repro', 'evaluate', 'register']);
    expect(plan.steps.map((s) => s.command)).toEqual([
      'npm ci',
      'npx paddock pull',
      'npx paddock validate data/train.parquet --schema schema.yaml',
      'npx paddock repro',
      'npx paddock evaluate model data/test.parquet --compare models:/churn@champion --gate "auc >= champion.auc - 0.005" --report evaluation.html',
      'npx paddock models register model --name churn --alias challenger',
    ]);
    expect(plan.steps.filter((s) => s.mainOnly).map((s) => s.id)).toEqual(['register']);
    expect(plan.secrets).toEqual(CI_SECRETS);
    expect(plan.options.gates).toEqual(DEFAULT_GATES);
  });

  it('uses every option, one --gate per gate, and the shell splits each command back into the intended words', () => {
    const gates = ['auc >= champion.auc - 0.005', `f1 > 0.8 && note == "it's $HOME"`, 'latency_ms <= 25 # not a comment', 'brier < 0.2; rm -rf /'];
    const plan = planWorkflow({ name: 'fraud model', data: 'd/tr ain.csv', schema: 's.yaml', package: 'pkg', testData: 'd/test.csv', target: 'is_fraud', gates, report: 'out/eval report.html' });
    const byId = Object.fromEntries(plan.steps.map((s) => [s.id, s]));
    expect(shellWords(byId.validate!.command)).toEqual(['validate', 'd/tr ain.csv', '--schema', 's.yaml']);
    expect(shellWords(byId.evaluate!.command)).toEqual([
      'evaluate', 'pkg', 'd/test.csv', '--target', 'is_fraud', '--compare', 'models:/fraud model@champion',
      ...gates.flatMap((g) => ['--gate', g]),
      '--report', 'out/eval report.html',
    ]);
    expect(shellWords(byId.register!.command)).toEqual(['models', 'register', 'pkg', '--name', 'fraud model', '--alias', 'challenger']);
    expect(byId.repro!.outputs).toEqual(['pkg']);
    expect(byId.evaluate!.outputs).toEqual(['out/eval report.html']);
  });

  it('falls back to the default gate when the list is empty', () => {
    expect(planWorkflow({ name: 'm', gates: [] }).options.gates).toEqual(DEFAULT_GATES);
  });

  it('refuses a missing name, empty values and line breaks, naming the flag', () => {
    expect(thrownCode(() => planWorkflow({}))).toMatch(/^INVALID_ARGUMENT: .*--name/);
    expect(thrownCode(() => planWorkflow({ name: '  ' }))).toMatch(/^INVALID_ARGUMENT: .*--name/);
    expect(thrownCode(() => planWorkflow({ name: 'm', testData: '' }))).toMatch(/^INVALID_ARGUMENT: --test-data is empty/);
    expect(thrownCode(() => planWorkflow({ name: 'm', gates: ['auc > 0.7\nrm -rf /'] }))).toMatch(/^INVALID_ARGUMENT: --gate .*line break/);
  });
});

describe('shellQuote', () => {
  it('leaves safe words bare and quotes the rest so the shell reads them back unchanged', () => {
    expect(shellQuote('data/train.parquet')).toBe('data/train.parquet');
    expect(shellQuote('models:/m@champion')).toBe('models:/m@champion');
    expect(shellQuote('auc >= 0.8')).toBe('"auc >= 0.8"');
    expect(shellQuote(`it's`)).toBe(`"it's"`);
    expect(shellQuote('a "b" $c')).toBe(`'a "b" $c'`);
    expect(shellQuote('')).toBe('""');
    for (const word of [`a'b"c$d\`e\\f!g`, "''", '*', '~', '$(id)', '`id`', 'a\tb']) {
      const out = execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(word)}`], { encoding: 'utf8' });
      expect(out).toBe(word);
    }
  });
});
