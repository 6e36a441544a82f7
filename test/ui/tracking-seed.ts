/**
 * Runs for the UI tests and bench/ui.js, created through the public REST API of a running
 * `paddock server` (as a user's script would), plus artifact files written into a run's
 * artifact directory.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

async function call<T>(base: string, method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${route}`, { method, ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}) });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

export interface SeededRun {
  readonly runId: string;
  readonly artifactDir: string;
}

export async function createExperiment(base: string, name: string): Promise<string> {
  return (await call<{ experimentId: string }>(base, 'POST', '/api/v1/experiments', { name })).experimentId;
}

/** One finished run with params, tags and latest metrics. */
export async function createRun(base: string, experimentId: string, run: { name: string; params?: Record<string, string>; metrics?: Record<string, number>; tags?: Record<string, string>; startTime?: number }): Promise<SeededRun> {
  const created = await call<{ info: { runId: string; artifactUri: string } }>(base, 'POST', '/api/v1/runs', { experimentId, runName: run.name, ...(run.startTime ? { startTime: run.startTime } : {}), ...(run.tags ? { tags: run.tags } : {}) });
  const { runId, artifactUri } = created.info;
  const now = run.startTime ?? Date.now();
  await call(base, 'POST', `/api/v1/runs/${runId}/log-batch`, {
    params: Object.entries(run.params ?? {}).map(([key, value]) => ({ key, value })),
    metrics: Object.entries(run.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: now, step: 0 })),
  });
  await call(base, 'PATCH', `/api/v1/runs/${runId}`, { status: 'FINISHED', endTime: now + 1000 });
  return { runId, artifactDir: artifactUri.startsWith('file:') ? fileURLToPath(artifactUri) : artifactUri };
}

/** Appends a series `values[i]` at step i, one second apart, in requests of 50,000 points. */
export async function logSeries(base: string, runId: string, key: string, values: readonly number[], start = Date.now() - values.length * 1000): Promise<void> {
  for (let from = 0; from < values.length; from += 50_000) {
    const part = values.slice(from, from + 50_000);
    await call(base, 'POST', `/api/v1/runs/${runId}/metrics/${encodeURIComponent(key)}`, {
      steps: part.map((_, i) => from + i),
      timestamps: part.map((_, i) => start + (from + i) * 1000),
      values: part,
    });
  }
}

/** MLflow's log-inputs: a data version the run read. */
export async function logInput(base: string, runId: string, input: { name: string; digest: string; source: string; context: string }): Promise<void> {
  await call(base, 'POST', '/api/2.0/mlflow/runs/log-inputs', {
    run_id: runId,
    datasets: [{ dataset: { name: input.name, digest: input.digest, source_type: 'dvc', source: input.source }, tags: [{ key: 'mlflow.data.context', value: input.context }] }],
  });
}

/** Writes `files` (relative path → content) under a run's artifact directory. */
export function writeArtifacts(run: SeededRun, files: Record<string, string | Uint8Array>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(run.artifactDir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** A `size`×`size` PNG of two colours (a valid image the browser decodes). */
export function tinyPng(size = 16): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc(size * (1 + size * 3));
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) rows.set(x < size / 2 ? [220, 40, 40] : [40, 90, 220], y * (1 + size * 3) + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** `count` runs in `experimentId` through MLflow-style batches of create calls, `parallel` at a time. */
export async function createManyRuns(base: string, experimentId: string, count: number, parallel = 8): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < count; i = next++) {
      await createRun(base, experimentId, {
        name: `run-${String(i).padStart(5, '0')}`,
        params: { lr: String(10 ** -(1 + (i % 4))), model: i % 2 ? 'tree' : 'mlp', depth: String(2 + (i % 7)) },
        metrics: { acc: (i * 7919 % count) / count, loss: 1 - (i * 7919 % count) / count },
        startTime: 1_700_000_000_000 + i * 1000,
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
