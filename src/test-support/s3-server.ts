import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** A running S3-protocol server for tests. */
export interface S3TestServer {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  /** Where the server keeps its buckets. */
  readonly dir: string;
  /** Credentials s3rver accepts (it checks signatures). */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The server's process id (it runs in a child process). */
  readonly pid: number;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** s3rver's fixed credentials. */
const ACCESS_KEY = 'S3RVER';

// s3rver encrypts ListObjectsV2 continuation tokens with DES, which OpenSSL 3 only offers
// through its legacy provider; so the server runs in its own node with that flag. It exits
// when its stdin closes, so a crashed test run leaves no server behind.
const RUNNER = `
const S3rver = require(process.argv[1]);
const opts = JSON.parse(process.argv[2]);
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: opts.dir,
  configureBuckets: opts.buckets.map((name) => ({ name, configs: [] })) });
server.run().then((addr) => process.stdout.write(JSON.stringify({ port: addr.port }) + '\\n'),
  (err) => { process.stderr.write(String(err && err.stack || err)); process.exit(1); });
const stop = () => server.close().finally(() => process.exit(0));
process.stdin.on('end', stop).resume();
process.on('SIGTERM', stop);
`;

/**
 * Starts s3rver on 127.0.0.1 with a random free port and a fresh temp directory, creating
 * `buckets` up front. Every test file gets its own server, so files run in parallel safely.
 */
export async function startS3Server(options: { buckets?: readonly string[] } = {}): Promise<S3TestServer> {
  const entry = createRequire(import.meta.url).resolve('s3rver');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paddock-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', RUNNER, entry, JSON.stringify({ dir, buckets: options.buckets ?? [] })], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const port = await readPort(child);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    dir,
    accessKeyId: ACCESS_KEY,
    secretAccessKey: ACCESS_KEY,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function readPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve((JSON.parse(line!) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`s3rver exited with code ${code}: ${err}`)));
    child.once('error', reject);
  });
}
