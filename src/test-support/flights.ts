/**
 * Flight-like rows for tests that train and serve a model: seeded (test-support/prng.ts), so every
 * run trains the same models. `late` follows a known signal (evening departures, hub origins,
 * long distances and weekends run late) plus noise, so a classifier learns something real.
 */
import type { InputRow } from '../models/index.js';
import { prng } from './prng.js';

export const ORIGINS = ['ATL', 'ORD', 'SEA', 'JFK', 'SFO'] as const;

export interface Flight extends InputRow {
  hour: number;
  weekday: number;
  distance: number;
  origin: string;
}

/** `n` rows of inputs, the same for the same seed. */
export function flightRows(n: number, seed: number): Flight[] {
  const rnd = prng(seed);
  return Array.from({ length: n }, () => ({
    hour: Math.floor(rnd() * 24),
    weekday: Math.floor(rnd() * 7),
    distance: 100 + Math.floor(rnd() * 2900),
    origin: ORIGINS[Math.floor(rnd() * ORIGINS.length)]!,
  }));
}

/** A column a training CSV may have: the inputs, `late` (0/1), `early` (1 − late) and `delay` (minutes). */
export type FlightColumn = keyof Flight | 'late' | 'early' | 'delay';

/** The rows as CSV with the chosen columns, in order, labels drawn with noise seeded by `seed`. */
export function flightsCsv(rows: readonly Flight[], columns: readonly FlightColumn[] = ['hour', 'weekday', 'distance', 'origin', 'late'], seed = 7): string {
  const rnd = prng(seed);
  const lines = rows.map((r) => {
    const hub = r.origin === 'ORD' || r.origin === 'JFK' ? 1.2 : 0;
    const signal = 0.25 * (r.hour - 14) + hub + r.distance / 2000 - 0.8 + (r.weekday >= 5 ? 0.5 : 0);
    const late = signal + (rnd() - 0.5) * 2 > 0 ? 1 : 0;
    const delay = Math.round((10 * signal + 20 * rnd()) * 100) / 100;
    const values: Record<FlightColumn, number | string> = { ...r, late, early: 1 - late, delay };
    return columns.map((c) => values[c]).join(',');
  });
  return `${columns.join(',')}\n${lines.join('\n')}\n`;
}
