import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli, tempDir } from '../../test-support/cli.js';
import { startListening } from '../../test-support/serve-process.js';

// `paddock server` runs the retraining trigger poller when paddock.yaml's pipelines have data or schedule triggers.
let dir: string;
let cleanup: () => void;
beforeAll(async () => {
  ({ dir, cleanup } = tempDir('paddock-server-triggers-'));
  expect((await runCli(dir, ['init', '-q'])).code).toBe(0);
  appendFileSync(path.join(dir, 'paddock.yaml'), [
    'retraining:',
    '  pipelines:',
    '    flights:',
    '      model: flights-late',
    '      triggers:',
    "        schedule: '0 3 * * *'",
    '    weather:',
    '      model: rain',
    '      triggers:',
    '        alerts: [rain-drift]',
    '',
  ].join('\n'));
});
afterAll(() => cleanup());

describe('paddock server with retraining triggers', () => {
  test('prints the trigger poller line (scheduled pipelines only) and stops cleanly on SIGTERM', async () => {
    const server = await startListening(dir, ['server', '--port', '0']);
    const [line] = await server.waitFor(/Triggers: .*\n/, 10_000);
    const { code, stdout, stderr } = await server.stop('SIGTERM');
    expect(line).toContain('data and schedule of flights every 30 s; jobs run in this server');
    expect(line).not.toContain('weather');
    expect(code).toBe(0);
    expect(stdout).toContain('Shutting down');
    expect(stderr).not.toMatch(/error/i);
  });

  test('--no-triggers: no poller', async () => {
    const server = await startListening(dir, ['server', '--port', '0', '--no-triggers']);
    await server.waitFor(/MLflow API/, 10_000);
    const { code, stdout } = await server.stop('SIGTERM');
    expect(code).toBe(0);
    expect(stdout).not.toContain('Triggers:');
  });
});
