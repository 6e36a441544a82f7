/**
 * A flights-like gbdt package for the timing scripts (time-predict.ts, ort-overhead.ts): the
 * serve bench's model shape — hour, weekday, distance and a 30-level `origin` one-hot encoded,
 * binary `late`, trees of depth 6 — trained on seeded synthetic rows into a temp directory.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readModelPackage, type InputRow, type ModelPackage } from '../src/models/package/index.js';
import { buildMonitoringProfile } from '../src/app-model-packages.js';
import { parseTrainerParams } from '../src/models/trainers/params.js';
import { trainPackage } from '../src/models/training/train-package.js';
import { prng } from '../src/test-support/prng.js';

const ORIGINS = Array.from({ length: 30 }, (_, k) => `A${String(k).padStart(2, '0')}`);

function flightsCsv(rows: number): string {
  const rnd = prng(7);
  const lines = ['hour,weekday,distance,origin,late'];
  for (let i = 0; i < rows; i++) {
    const hour = 5 + Math.floor(rnd() * 19);
    const weekday = 1 + Math.floor(rnd() * 7);
    const distance = Math.round(100 + 2500 * rnd() ** 2);
    const o = Math.floor(rnd() ** 2 * ORIGINS.length);
    const late = 0.02 * (hour - 12) + 0.0001 * distance + (o % 5) * 0.05 + rnd() > 0.85 ? 1 : 0;
    lines.push(`${hour},${weekday},${distance},${ORIGINS[o]},${late}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Caller rows of the package's signature (int64 hour, weekday, distance; string origin). */
export function flightsRows(n: number, seed = 11): InputRow[] {
  const rnd = prng(seed);
  return Array.from({ length: n }, () => ({
    hour: 5 + Math.floor(rnd() * 19), weekday: 1 + Math.floor(rnd() * 7), distance: Math.round(100 + 2500 * rnd()), origin: ORIGINS[Math.floor(rnd() * 30)]!,
  }));
}

/** Trains a package of `trees` trees, hands it to `use`, then removes it. */
export async function withFlightsPackage<T>(trees: number, use: (pkg: ModelPackage) => Promise<T>): Promise<T> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'paddock-flights-package-'));
  try {
    const data = path.join(tmp, 'train.csv');
    writeFileSync(data, flightsCsv(20_000));
    const trained = await trainPackage({
      data, task: 'classification', target: 'late',
      params: parseTrainerParams({ algorithm: 'gbdt', n_estimators: trees, max_depth: 6, min_samples_leaf: 50, seed: 7 }, 'flights-package'),
      name: 'flights', outDir: path.join(tmp, 'model'), lineage: {}, producerVersion: '0.0.0-bench', buildMonitoringProfile,
    });
    return await use(await readModelPackage(trained.pkg.dir));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
