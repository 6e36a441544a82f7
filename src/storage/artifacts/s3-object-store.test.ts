import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RemoteConfig } from '../../core/config.js';
import { isPaddockError } from '../../core/errors.js';
import { tempDir } from '../../test-support/cli.js';
import { startS3Server, type S3TestServer } from '../../test-support/s3-server.js';
import { objectStoreContract } from '../contracts/object-store.contract.js';
import { S3ObjectStore } from './s3-object-store.js';

let server: S3TestServer;
const local = tempDir('paddock-s3-store-');
let n = 0;

beforeAll(async () => {
  server = await startS3Server({ buckets: ['paddock'] });
});
afterAll(async () => {
  await server.stop();
  local.cleanup();
});

function remote(url: string, endpoint = server.endpoint): RemoteConfig {
  return { url, endpoint, region: 'us-east-1', force_path_style: true, access_key_id: server?.accessKeyId ?? 'S3RVER', secret_access_key: 'S3RVER' };
}

// Each test gets its own prefix in one bucket; prefixes keep the tests independent.
objectStoreContract('S3ObjectStore (s3rver)', async () => new S3ObjectStore(remote(`s3://paddock/contract-${n++}/store`)));

describe('S3ObjectStore specifics', () => {
  it('uploads big files as multipart uploads that read back byte for byte', async () => {
    const store = new S3ObjectStore(remote('s3://paddock/multipart'), { multipartThreshold: 5 * 1024 * 1024, partSize: 5 * 1024 * 1024 });
    const data = randomBytes(11 * 1024 * 1024 + 3);
    const src = path.join(local.dir, 'big.bin');
    writeFileSync(src, data);
    await store.putFile('files/md5/ff/big', src);
    const dest = path.join(local.dir, 'big.out');
    await store.getFile('files/md5/ff/big', dest);
    expect(readFileSync(dest).equals(data)).toBe(true);
    await store.close();
  });

  it('streams files above the in-memory limit', async () => {
    const store = new S3ObjectStore(remote('s3://paddock/streamed'), { memoryUploadLimit: 0 });
    const data = randomBytes(1024 * 1024 + 5);
    const src = path.join(local.dir, 'streamed.bin');
    writeFileSync(src, data);
    await store.putFile('files/md5/ee/s', src);
    expect(Buffer.from(await store.getBytes('files/md5/ee/s')).equals(data)).toBe(true);
    await store.close();
  });

  it('works at the bucket root (no prefix)', async () => {
    await startS3Server({ buckets: ['rootbucket'] }).then(async (s) => {
      const store = new S3ObjectStore({ ...remote('s3://rootbucket', s.endpoint) });
      await store.putBytes('files/md5/aa/x', Buffer.from('x'));
      const keys: string[] = [];
      for await (const o of store.list('')) keys.push(o.key);
      expect(keys).toEqual(['files/md5/aa/x']);
      await store.close();
      await s.stop();
    });
  });

  it('reports a port with nothing listening as REMOTE_UNREACHABLE naming the URL', async () => {
    const port = await freePort();
    const store = new S3ObjectStore(remote('s3://paddock/x', `http://127.0.0.1:${port}`), { retryBaseMs: 1 });
    const err = await store.getBytes('files/md5/00/a').catch((e: unknown) => e);
    expect(isPaddockError(err, 'REMOTE_UNREACHABLE')).toBe(true);
    expect((err as Error).message).toContain('s3://paddock/x');
    expect((err as Error).message).toContain(`127.0.0.1:${port}`);
  });

  it('retries a server answering 500 a bounded number of times, then fails with REMOTE_ERROR', async () => {
    let requests = 0;
    const { endpoint, close } = await errorServer(500, () => requests++);
    const store = new S3ObjectStore(remote('s3://paddock/x', endpoint), { retryBaseMs: 1, maxAttempts: 3 });
    const err = await store.putBytes('k', Buffer.from('x')).catch((e: unknown) => e);
    expect(isPaddockError(err, 'REMOTE_ERROR')).toBe(true);
    expect((err as Error).message).toContain('s3://paddock/x');
    expect((err as Error).message).toContain('500');
    expect(requests).toBe(3);
    await store.close();
    await close();
  });

  it('does not retry a refusal (403) and says access was denied', async () => {
    let requests = 0;
    const { endpoint, close } = await errorServer(403, () => requests++);
    const store = new S3ObjectStore(remote('s3://paddock/x', endpoint), { retryBaseMs: 1 });
    const err = await store.hasMany(['k']).catch((e: unknown) => e);
    expect(isPaddockError(err, 'REMOTE_ERROR')).toBe(true);
    expect((err as Error).message).toMatch(/access denied/);
    expect(requests).toBe(1);
    await store.close();
    await close();
  });

  it('names a missing bucket', async () => {
    const store = new S3ObjectStore(remote('s3://no-such-bucket/p'));
    const err = await store.putBytes('k', Buffer.from('x')).catch((e: unknown) => e);
    expect(isPaddockError(err, 'REMOTE_ERROR')).toBe(true);
    expect((err as Error).message).toContain('bucket does not exist');
    await store.close();
  });

  it('rejects a malformed URL as a configuration error', () => {
    expect(() => new S3ObjectStore(remote('s3://'))).toThrow(/s3:\/\/bucket\/prefix/);
  });
});

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** An HTTP server answering every request with `status` and an S3-style XML error. */
async function errorServer(status: number, onRequest: () => void): Promise<{ endpoint: string; close: () => Promise<void> }> {
  const code = status === 403 ? 'AccessDenied' : 'InternalError';
  const s = http.createServer((req, res) => {
    onRequest();
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(req.method === 'HEAD' ? undefined : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>test</Message></Error>`);
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, close: () => new Promise((r) => { s.closeAllConnections(); s.close(() => r()); }) };
}
