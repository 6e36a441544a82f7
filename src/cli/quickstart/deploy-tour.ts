/**
 * The loop half of the quickstart tour, closed by Paddock itself: deploy the champion (trained
 * on January) and serve it with the monitoring loop; replay February–April as traffic; the
 * flights land with their delays (a new data version) and the delays go to the deployment as
 * late labels; the monitor judges each window, an alert rule fires on the real numbers, the alert
 * triggers the retraining pipeline, which trains on the new data, gates the challenger against
 * the champion on the same held-out April flights and starts its canary; traffic lets the
 * canary analysis promote it; the audit prints the chain.
 */
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { FEED, freePort, paddockOutput, runStep, startBackground, type Background, type Log } from './tour-steps.js';

/** The deployment, the registered model it serves, and the retraining pipeline (paddock.yaml). */
export const DEPLOYMENT = 'flights';
const MODEL = 'flights-late';
const PIPELINE = 'flights';
/** The input-drift alert rule of paddock.yaml, whose quiet the story reports with its numbers. */
const DRIFT_RULE = 'input-drift';
/** The months replayed as traffic before the retraining, and the month the canary is judged on. */
const MONTHS = ['2001-02', '2001-03', '2001-04'] as const;
const CANARY_MONTH = '2001-05';
/** Requests a second of the replays (a 10 s window then holds a few thousand flights). */
const RATE = 700;
/** How long the alert, the retraining and the canary may take before the tour gives up. */
const ALERT_TIMEOUT_MS = 150_000;
const RETRAINING_TIMEOUT_MS = 240_000;
const PROMOTION_TIMEOUT_MS = 90_000;
/** One round of canary traffic: rows and requests a second (about 6 s, two analysis intervals). */
const ROUND = { rows: 1500, rate: 250 };
const COMMIT = ['git', '-c', 'user.name=Paddock Quickstart', '-c', 'user.email=quickstart@example.com', 'commit', '-qm'];

/** Runs the loop in `dir` (after the pipeline tour registered and promoted version 1). */
export async function runLoopTour(dir: string, log: Log): Promise<void> {
  await runStep(dir, log, { say: `Deploy the champion: deployment \`${DEPLOYMENT}\` serves version 1 of ${MODEL} as its stable version`, cmd: ['paddock', 'deploy', 'create', DEPLOYMENT, '--model', MODEL, '--stable', '1', '--reason', 'quickstart: first deployment'] });
  const port = await freePort(8080);
  const serve = startBackground(dir, log, {
    say: 'Serve the deployment in the background: it logs every prediction, judges each monitoring window against the training profile, fires the alert rules, runs the retrainings they trigger and the canary analysis',
    cmd: ['paddock', 'serve', '--deployment', DEPLOYMENT, '--port', String(port)],
  }, 'serve');
  try {
    // Its start-up lines end with the /metrics URL.
    const url = (await serve.waitFor(/listening on (http:\/\/\S+)[\s\S]*\/metrics\n/, 120_000))[1]!;
    log('');
    const infer = `${url}/v2/models/${DEPLOYMENT}/infer`;
    await runStep(dir, log, { say: 'The following months as a booking site would ask about them: each flight before it leaves (no delay yet), its delay kept aside for later', cmd: ['node', 'src/traffic.mjs', FEED, 'data/traffic', ...MONTHS, CANARY_MONTH] });
    for (const month of MONTHS) {
      await runStep(dir, log, { say: `Replay ${month} as live traffic, each request named by its flight id (x-request-id)`, cmd: ['paddock', 'replay', `data/traffic/${month}.parquet`, '--url', infer, '--id-column', 'flight_id', '--rate', String(RATE)] });
    }
    await runStep(dir, log, { say: 'The flights have landed: February–April join the landed data, with their actual delays', cmd: ['node', 'src/land.mjs', FEED, 'data/flights.parquet', MONTHS.at(-1)!] });
    await runStep(dir, log, { say: 'Version the new data (its pointer gets a new md5; the retraining will train on it)', cmd: ['paddock', 'add', 'data/flights.parquet'] });
    await runStep(dir, log, { say: 'Commit the new data version', cmd: [...COMMIT, 'Quickstart: flights through April landed'] });
    for (const month of MONTHS) {
      await runStep(dir, log, { say: `The delays of ${month}'s flights arrive late as labels (late = more than 15 minutes), joined to the predictions by request id`, cmd: ['paddock', 'monitor', 'labels', `data/traffic/${month}-labels.csv`, '--deployment', DEPLOYMENT] });
    }
    await waitForRetraining(serve, log);
    await runStep(dir, log, { say: 'What the monitor saw, window by window (also as HTML)', cmd: ['paddock', 'monitor', 'report', DEPLOYMENT, '--window', '10s', '--windows', '12', '--out', 'monitor.html'] });
    log(`${await driftSummary(dir)}\n`);
    await runStep(dir, log, { say: 'The retraining the alert started, step by step', cmd: ['paddock', 'retrain', PIPELINE, '--history'] });
    await replayUntilPromoted(dir, log, infer);
    await runStep(dir, log, { say: 'The deployment now serves version 2 as stable', cmd: ['paddock', 'deploy', 'status', DEPLOYMENT] });
    await runStep(dir, log, { say: 'Its history: who changed what and why, with the numbers each analysis step measured', cmd: ['paddock', 'deploy', 'history', DEPLOYMENT] });
    await runStep(dir, log, { say: "Make the promoted version the registry's champion too (the promotion policy checks its gates again)", cmd: ['paddock', 'models', 'alias', 'set', MODEL, 'champion', '2', '--reason', `quickstart: promoted by the canary analysis of deployment ${DEPLOYMENT}`] });
    await runStep(dir, log, { say: 'The audit chain of the version in production: alert → trigger → data → run → evaluation → gates → canary steps → promotion', cmd: ['paddock', 'audit', MODEL, '--html', 'audit.html'] });
    await serve.waitFor(new RegExp(`Deployment ${DEPLOYMENT} \\(revision \\d+\\): stable 2\\n`), 30_000);
    await runStep(dir, log, { say: 'Traffic after the promotion: every request is answered by version 2', cmd: ['paddock', 'replay', `data/traffic/${CANARY_MONTH}.parquet`, '--url', infer, '--limit', '500'] });
  } finally {
    await stopServe(serve, log);
  }
}

/**
 * Waits (printing what the server says meanwhile) for the alert, the retraining it triggered and
 * the canary the retraining started. A retraining that fails or is skipped stops the quickstart
 * with its reason: the champion is still serving.
 */
async function waitForRetraining(serve: Background, log: Log): Promise<void> {
  log('# Wait for the loop: each 10 s window is judged 60 s after it ends (paddock.yaml monitoring.label_delay), once its labels are in; an alert rule that fires triggers the retraining pipeline, which reproduces dvc.yaml on the new data, registers the challenger and starts its canary\n');
  await serve.waitFor(/Retraining \S+: started/, ALERT_TIMEOUT_MS);
  const [, id, status, rest] = await serve.waitFor(/Retraining (\S+): (succeeded|failed|skipped)(.*)\n/, RETRAINING_TIMEOUT_MS);
  if (status !== 'succeeded') throw new Error(`retraining ${id} ${status}${rest}: \`paddock retrain ${PIPELINE} --history\` says why`);
  // The retraining starts version 2 at 0%; the canary analysis may step it to its first weight
  // before the server's deployment follower reads that revision, so any weight will do.
  await serve.waitFor(new RegExp(`Deployment ${DEPLOYMENT} \\(revision \\d+\\): stable 1, canary 2 at \\d+%`), 30_000);
  log('');
}

/**
 * Rounds of May traffic (each printed, so the canary's growing share shows) until the
 * deployment's stable version is 2. A rollback or the timeout stops the quickstart with the way
 * to find out why.
 */
async function replayUntilPromoted(dir: string, log: Log, infer: string): Promise<void> {
  const deadline = Date.now() + PROMOTION_TIMEOUT_MS;
  for (let round = 1; ; round++) {
    await runStep(dir, log, {
      say: `Traffic for the canary analysis, round ${round}: ${ROUND.rows} flights of ${CANARY_MONTH} at up to ${ROUND.rate} requests/s`,
      cmd: ['paddock', 'replay', `data/traffic/${CANARY_MONTH}.parquet`, '--url', infer, '--limit', String(ROUND.rows), '--rate', String(ROUND.rate)],
    });
    const { policy } = (JSON.parse(await paddockOutput(dir, ['deploy', 'status', DEPLOYMENT, '--json'])) as { deployment: { policy: { stable: string; candidates: unknown[] } } }).deployment;
    if (policy.stable === '2') return;
    if (policy.candidates.length === 0) throw new Error(`the canary analysis rolled version 2 back: \`paddock deploy history ${DEPLOYMENT}\` in ${dir} says why`);
    if (Date.now() > deadline) throw new Error(`the canary analysis did not promote version 2 within ${PROMOTION_TIMEOUT_MS / 1000} s: see \`paddock deploy status ${DEPLOYMENT}\` and \`paddock deploy history ${DEPLOYMENT}\` in ${dir}`);
  }
}

/** The rows a report window and its drift report have, as `paddock monitor report --json` prints them. */
interface ReportWindow {
  readonly rows: number;
  readonly drift?: DriftVerdict;
  readonly outputDrift?: DriftVerdict;
}
interface DriftVerdict {
  readonly datasetDrift: boolean;
  readonly driftShare: number;
  readonly columns: readonly { readonly column: string; readonly test: string; readonly score: number; readonly threshold: number }[];
}

/**
 * One line on the input-drift rule: how many of version 1's windows it judged (those with its
 * min_samples rows), how many breached it, whether it fired, and the largest column scores it
 * saw, inputs and the model's outputs. On these months the inputs hardly move: a window may have
 * two of four inputs past their tests (weekday by the calendar, origin by chance in a small
 * window), seldom two windows in a row.
 */
async function driftSummary(dir: string): Promise<string> {
  const config = parse(readFileSync(path.join(dir, 'paddock.yaml'), 'utf8')) as { alerts: { name: string; min_samples?: number; for_windows?: number }[] };
  const rule = config.alerts.find((r) => r.name === DRIFT_RULE);
  const [minSamples, forWindows] = [rule?.min_samples ?? 100, rule?.for_windows ?? 2];
  const html = path.join(os.tmpdir(), `paddock-quickstart-drift-${process.pid}.html`);
  let report: { windows: ReportWindow[]; alerts: { rule: string; kind: string }[] };
  try {
    report = JSON.parse(await paddockOutput(dir, ['monitor', 'report', DEPLOYMENT, '--window', '10s', '--windows', '30', '--version', '1', '--json', '--out', html]));
  } finally {
    rmSync(html, { force: true });
  }
  const judged = report.windows.filter((w) => w.drift && w.rows >= minSamples);
  if (judged.length === 0) return `# The ${DRIFT_RULE} rule judged no window: none had ${minSamples} rows`;
  const fired = report.alerts.some((a) => a.rule === DRIFT_RULE && a.kind === 'fired');
  const breached = judged.filter((w) => w.drift!.datasetDrift).length;
  type Column = DriftVerdict['columns'][number];
  const top = (pick: (w: ReportWindow) => DriftVerdict | undefined) => judged.flatMap((w) => pick(w)?.columns ?? []).reduce<Column | undefined>((a, c) => (!a || c.score / c.threshold > a.score / a.threshold ? c : a), undefined);
  const score = (c: Column | undefined) => (c ? `${c.column} ${c.test} ${Number(c.score.toPrecision(3))} (threshold ${c.threshold})` : 'none');
  const verdict = fired ? 'it fired' : `never ${forWindows} in a row, so it stayed quiet`;
  return `# The ${DRIFT_RULE} rule judged ${judged.length} windows of ${minSamples}+ rows: ${breached} had half the inputs drifting (share ≥ ${judged[0]!.drift!.driftShare}), ${verdict}; largest input score ${score(top((w) => w.drift))}, largest output score ${score(top((w) => w.outputDrift))}`;
}

async function stopServe(serve: Background, log: Log): Promise<void> {
  log(`# Stop the background server\n$ kill %1`);
  await serve.stop();
  log('');
}
