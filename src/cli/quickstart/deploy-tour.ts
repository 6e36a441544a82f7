/**
 * The serving half of the quickstart tour: deploy the champion as a deployment's stable version,
 * serve it, replay later months of flights to it as traffic, train a second version, put it in
 * as a canary with automatic analysis, and replay traffic until the analysis has promoted it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, paddockOutput, runStep, startBackground, type Background, type Log } from './tour-steps.js';

/** The deployment, the registered model it serves, and the traffic it is sent. */
export const DEPLOYMENT = 'flights';
const MODEL = 'flights-late';
const REPLAY = 'data/features/replay.parquet';
/** The training param the second version changes. */
const PARAM = { key: 'n_estimators', from: '100', to: '150' };
/** How long the canary may take to be promoted before the tour gives up. */
const PROMOTION_TIMEOUT_MS = 90_000;
/** One round of traffic: rows and requests a second (about 6 s, two analysis intervals). */
const ROUND = { rows: 1500, rate: 250 };

/** Runs the deploy steps in `dir` (after the pipeline tour registered and promoted version 1). */
export async function runDeployTour(dir: string, log: Log): Promise<void> {
  await runStep(dir, log, { say: `Deploy the champion: deployment \`${DEPLOYMENT}\` serves version 1 of ${MODEL} as its stable version`, cmd: ['paddock', 'deploy', 'create', DEPLOYMENT, '--model', MODEL, '--stable', '1', '--reason', 'quickstart: first deployment'] });
  const port = await freePort(8080);
  const serve = startBackground(dir, log, {
    say: 'Serve the deployment in the background: it follows changes to the deployment every second and runs their canary analysis',
    cmd: ['paddock', 'serve', '--deployment', DEPLOYMENT, '--port', String(port)],
  }, 'serve');
  try {
    // Its start-up lines end with the /metrics URL.
    const url = (await serve.waitFor(/listening on (http:\/\/\S+)[\s\S]*\/metrics\n/, 120_000))[1]!;
    log('');
    const infer = `${url}/v2/models/${DEPLOYMENT}/infer`;
    await runStep(dir, log, { say: 'Replay 2000 flights from May–June, months after the training data, as live traffic (all answered by version 1)', cmd: ['paddock', 'replay', REPLAY, '--url', infer, '--limit', '2000'] });
    trainSecondVersion(dir, log);
    await runStep(dir, log, { say: "Commit the change with the first run's dvc.lock (the new version's lineage names this commit)", cmd: ['git', '-c', 'user.name=Paddock Quickstart', '-c', 'user.email=quickstart@example.com', 'commit', '-qm', `Quickstart: train with ${PARAM.to} trees`] });
    await runStep(dir, log, { say: 'Retrain: train → evaluate (gated against champion version 1) → register version 2 as the challenger', cmd: ['paddock', 'repro'] });
    await runStep(dir, log, {
      say: 'Put version 2 in as a canary with automatic analysis: every 3 s the server judges its requests (success, p99 latency), steps its share 25% → 50% → 100%, then promotes it (or rolls it back)',
      cmd: ['paddock', 'deploy', 'set', DEPLOYMENT, '--canary', '2=0', '--step-weights', '25,50,100', '--interval', '3', '--min-samples', '50', '--reason', 'quickstart: canary of version 2'],
    });
    await replayUntilPromoted(dir, log, infer);
    await runStep(dir, log, { say: 'The deployment now serves version 2 as stable', cmd: ['paddock', 'deploy', 'status', DEPLOYMENT] });
    await runStep(dir, log, { say: 'Its history: who changed what and why, with the numbers each analysis step measured', cmd: ['paddock', 'deploy', 'history', DEPLOYMENT] });
    await runStep(dir, log, { say: 'Make the promoted version the registry\'s champion too', cmd: ['paddock', 'models', 'alias', 'set', MODEL, 'champion', '2', '--reason', `quickstart: promoted by the canary analysis of deployment ${DEPLOYMENT}`] });
    await serve.waitFor(new RegExp(`Deployment ${DEPLOYMENT} \\(revision \\d+\\): stable 2\\n`), 30_000);
    await runStep(dir, log, { say: 'Traffic after the promotion: every request is answered by version 2', cmd: ['paddock', 'replay', REPLAY, '--url', infer, '--limit', '500'] });
  } finally {
    await stopServe(serve, log);
  }
}

/** Changes the training param in params.yaml, printed as the one-line edit a user would make. */
function trainSecondVersion(dir: string, log: Log): void {
  const file = path.join(dir, 'params.yaml');
  const before = readFileSync(file, 'utf8');
  const after = before.replace(`  ${PARAM.key}: ${PARAM.from}\n`, `  ${PARAM.key}: ${PARAM.to}\n`);
  if (after === before) throw new Error(`params.yaml has no \`${PARAM.key}: ${PARAM.from}\` under train to change`);
  log(`# Train a second version with more trees: change one param\n$ sed -i 's/${PARAM.key}: ${PARAM.from}/${PARAM.key}: ${PARAM.to}/' params.yaml`);
  writeFileSync(file, after);
  log(`  params.yaml  train.${PARAM.key}: ${PARAM.from} → ${PARAM.to}\n`);
}

/**
 * Rounds of replayed traffic (each printed, so the canary's growing share shows) until the
 * deployment's stable version is 2. A rollback or the timeout stops the quickstart with the way
 * to find out why.
 */
async function replayUntilPromoted(dir: string, log: Log, infer: string): Promise<void> {
  const deadline = Date.now() + PROMOTION_TIMEOUT_MS;
  for (let round = 1; ; round++) {
    await runStep(dir, log, {
      say: `Traffic for the canary analysis, round ${round}: ${ROUND.rows} flights at up to ${ROUND.rate} requests/s`,
      cmd: ['paddock', 'replay', REPLAY, '--url', infer, '--limit', String(ROUND.rows), '--rate', String(ROUND.rate)],
    });
    const { policy } = (JSON.parse(await paddockOutput(dir, ['deploy', 'status', DEPLOYMENT, '--json'])) as { deployment: { policy: { stable: string; candidates: unknown[] } } }).deployment;
    if (policy.stable === '2') return;
    if (policy.candidates.length === 0) throw new Error(`the canary analysis rolled version 2 back: \`paddock deploy history ${DEPLOYMENT}\` in ${dir} says why`);
    if (Date.now() > deadline) throw new Error(`the canary analysis did not promote version 2 within ${PROMOTION_TIMEOUT_MS / 1000} s: see \`paddock deploy status ${DEPLOYMENT}\` and \`paddock deploy history ${DEPLOYMENT}\` in ${dir}`);
  }
}

async function stopServe(serve: Background, log: Log): Promise<void> {
  log(`# Stop the background server\n$ kill %1`);
  await serve.stop();
  log('');
}
