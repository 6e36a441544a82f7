import { fail } from '../../core/errors.js';
import { shellCommand } from './shell-quote.js';

/** The quality gate used when none is given: the challenger may not lose more than 0.005 AUC. */
export const DEFAULT_GATES: readonly string[] = ['auc >= champion.auc - 0.005'];

/** Secrets every generated workflow reads from the CI system's secret store. */
export const CI_SECRETS: readonly string[] = ['PADDOCK_TRACKING_URI', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];

/** What the caller may set; everything but the model name has a default. */
export interface CiWorkflowOptions {
  /** Registered model name: compared against `models:/<name>@champion`, registered as challenger. */
  readonly name?: string;
  /** Training data file to validate (default `data/train.parquet`). */
  readonly data?: string;
  /** Data schema file (default `schema.yaml`). */
  readonly schema?: string;
  /** Model package directory the pipeline produces (default `model`). */
  readonly package?: string;
  /** Held-out data for the evaluation (default `data/test.parquet`). */
  readonly testData?: string;
  /** Label column (default `label`). */
  readonly target?: string;
  /** Quality gates; each becomes one `--gate` (default {@link DEFAULT_GATES}). */
  readonly gates?: readonly string[];
  /** Evaluation report path, uploaded as a CI artifact (default `evaluation.html`). */
  readonly report?: string;
  /** Branch whose pushes register the model, on GitHub (default `main`; GitLab uses its default branch). */
  readonly branch?: string;
  /** Node.js major version of the CI image (default `20`). */
  readonly node?: string;
}

/** Options with every default applied. */
/** Every option with its default applied; `target` stays optional (evaluate reads the package's). */
export type ResolvedCiOptions = { readonly [K in Exclude<keyof CiWorkflowOptions, 'target'>]-?: NonNullable<CiWorkflowOptions[K]> } & { readonly target?: string };

/** Where a step belongs in a staged pipeline (GitLab stages; GitHub runs them in order in one job). */
export type CiStage = 'setup' | 'validate' | 'train' | 'evaluate' | 'register';

/** One named step of the chain. */
export interface CiStep {
  readonly id: 'install' | 'pull' | 'validate' | 'repro' | 'evaluate' | 'register';
  readonly name: string;
  readonly stage: CiStage;
  /** The shell command, arguments already quoted. */
  readonly command: string;
  /** Files or directories the step produces that later jobs or people need. */
  readonly outputs: readonly string[];
  /** Only on pushes to the main branch, never on pull requests. */
  readonly mainOnly: boolean;
}

/** The chain, independent of any CI system: what runs, in which order, with which secrets. */
export interface WorkflowPlan {
  readonly options: ResolvedCiOptions;
  readonly steps: readonly CiStep[];
  readonly secrets: readonly string[];
}

const DEFAULTS: Omit<ResolvedCiOptions, 'name' | 'target'> = {
  data: 'data/train.parquet',
  schema: 'schema.yaml',
  package: 'model',
  testData: 'data/test.parquet',
  gates: DEFAULT_GATES,
  report: 'evaluation.html',
  branch: 'main',
  node: '20',
};

/** Builds the chain pull → validate → repro → evaluate (gated) → register (main only) from options. */
export function planWorkflow(options: CiWorkflowOptions): WorkflowPlan {
  const o = resolveOptions(options);
  const paddock = (...args: string[]) => shellCommand(['npx', 'paddock', ...args]);
  const step = (s: Omit<CiStep, 'outputs' | 'mainOnly'> & Partial<Pick<CiStep, 'outputs' | 'mainOnly'>>): CiStep => ({ outputs: [], mainOnly: false, ...s });
  const steps: CiStep[] = [
    step({ id: 'install', name: 'Install dependencies', stage: 'setup', command: 'npm ci' }),
    step({ id: 'pull', name: 'Pull data', stage: 'setup', command: paddock('pull') }),
    step({ id: 'validate', name: 'Validate data', stage: 'validate', command: paddock('validate', o.data, '--schema', o.schema) }),
    step({ id: 'repro', name: 'Reproduce the pipeline', stage: 'train', command: paddock('repro'), outputs: [o.package] }),
    step({
      id: 'evaluate',
      name: 'Evaluate against the champion',
      stage: 'evaluate',
      command: paddock('evaluate', o.package, o.testData, ...(o.target ? ['--target', o.target] : []), '--compare', `models:/${o.name}@champion`,
        ...o.gates.flatMap((g) => ['--gate', g]), '--report', o.report),
      outputs: [o.report],
    }),
    step({ id: 'register', name: 'Register the challenger', stage: 'register', command: paddock('models', 'register', o.package, '--name', o.name, '--alias', 'challenger'), mainOnly: true }),
  ];
  return { options: o, steps, secrets: CI_SECRETS };
}

function resolveOptions(options: CiWorkflowOptions): ResolvedCiOptions {
  if (!options.name?.trim()) fail('INVALID_ARGUMENT', 'the CI workflow needs the registered model name: pass --name <model>', { flag: 'name' });
  const gates = options.gates?.length ? options.gates : DEFAULTS.gates;
  const resolved: ResolvedCiOptions = {
    name: options.name,
    data: options.data ?? DEFAULTS.data,
    schema: options.schema ?? DEFAULTS.schema,
    package: options.package ?? DEFAULTS.package,
    testData: options.testData ?? DEFAULTS.testData,
    ...(options.target !== undefined ? { target: options.target } : {}),
    gates,
    report: options.report ?? DEFAULTS.report,
    branch: options.branch ?? DEFAULTS.branch,
    node: options.node ?? DEFAULTS.node,
  };
  for (const [key, value] of Object.entries(resolved)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) checkValue(key, String(v));
  }
  return resolved;
}

// A line break would split a step's command into two commands; an empty value would drop an argument.
function checkValue(key: string, value: string): void {
  const flag = key === 'gates' ? 'gate' : key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  if (value.trim() === '') fail('INVALID_ARGUMENT', `--${flag} is empty: give it a value or leave it out for the default`, { flag });
  if (/[\u0000-\u001f\u007f]/.test(value)) fail('INVALID_ARGUMENT', `--${flag} ${JSON.stringify(value)} contains a line break or control character; write it on one line`, { flag });
}
