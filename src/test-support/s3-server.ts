import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** The slice of s3rver (a CommonJS package without types) the tests use. */
interface S3rverInstance {
  /** Resolves to the listening address. */
  run(): Promise<AddressInfo>;
  readonly httpServer: Server;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

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
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

/** s3rver's fixed credentials. */
const ACCESS_KEY = 'S3RVER';

/**
 * Starts s3rver on 127.0.0.1 with a random free port and a fresh temp directory, creating
 * `buckets` up front. Every test file gets its own server, so files run in parallel safely.
 */
export async function startS3Server(options: { buckets?: readonly string[] } = {}): Promise<S3TestServer> {
  const require = createRequire(import.meta.url);
  const S3rver = require('s3rver') as S3rverConstructor;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paddock-s3rver-'));
  const instance = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dir,
    configureBuckets: (options.buckets ?? []).map((name) => ({ name, configs: [] })),
  });
  const { port } = await instance.run();
  const server = instance.httpServer;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    dir,
    accessKeyId: ACCESS_KEY,
    secretAccessKey: ACCESS_KEY,
    async stop() {
      // Idle keep-alive sockets of the SDK would hold close() open until they time out.
      server.closeAllConnections?.();
      await instance.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
