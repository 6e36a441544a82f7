/**
 * Times single-row `Predictor.predict` on a flights-like gbdt package (not a test; run by hand):
 *
 *     npx tsx scripts/time-predict.ts [predicts=20000]
 *
 * Trains (once, into a temp dir) the bench's model shape: hour, weekday, distance and a 30-level
 * `origin` one-hot encoded, binary `late`, 100 trees of depth 6. Then times N single-row predicts
 * one after another and with 16 in flight (as `paddock serve` sees them under 16 connections),
 * and a 1000-row batch. Prints the best of 5 rounds, in µs per call.
 */
import { openPredictor, type InputRow } from '../src/models/package/index.js';
import { flightsRows, withFlightsPackage } from './flights-package.js';

const N = Number(process.argv[2] ?? 20_000);

/** Best of 5 rounds (the machine may be busy with other work): µs per call. */
async function time(label: string, n: number, fn: (i: number) => Promise<unknown>, inFlight = 1): Promise<void> {
  for (let i = 0; i < Math.min(n, 2000); i++) await fn(i); // warm-up
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const started = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < n) await fn(next++);
    };
    await Promise.all(Array.from({ length: inFlight }, worker));
    best = Math.min(best, ((performance.now() - started) * 1000) / n);
  }
  console.log(`${label.padEnd(48)} ${best.toFixed(1).padStart(7)} µs/call  (${Math.round(1e6 / best).toLocaleString('en-US')}/s)`);
}

await withFlightsPackage(100, async (pkg) => {
  const rows: InputRow[] = flightsRows(1000);
  const predictor = await openPredictor(pkg);
  console.log(`model: ${pkg.manifest.signature.inputs.map((c) => c.name).join(', ')} → ${pkg.manifest.signature.outputs.map((c) => c.name).join(', ')}; ${N} calls each`);
  await time('Predictor.predict, 1 row, sequential', N, (i) => predictor.predict([rows[i % rows.length]!]));
  await time('Predictor.predict, 1 row, 16 in flight', N, (i) => predictor.predict([rows[i % rows.length]!]), 16);
  await time('Predictor.predict, 1000 rows (µs per 1000)', Math.max(10, Math.floor(N / 1000)), () => predictor.predict(rows));
  await predictor.close();
});
