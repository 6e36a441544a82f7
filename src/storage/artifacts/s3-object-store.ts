import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import type { RemoteConfig } from '../../core/config.js';
import { fail, fromSystemError, PaddockError } from '../../core/errors.js';
import { tempPathFor } from '../../core/fs-atomic.js';
import type { ObjectInfo, ObjectStore } from '../../core/object-store.js';
import { checkKey, forEachLimited } from './keys.js';
import { isTransientS3Error, translateS3Error } from './s3-errors.js';

/** Tuning knobs; the defaults suit real S3, tests shrink them to exercise every path. */
export interface S3StoreOptions {
  /** Files at least this big go up as multipart uploads (S3 caps a single PUT at 5 GiB). */
  readonly multipartThreshold?: number;
  /** Part size; raised automatically so no upload needs more than 10,000 parts. */
  readonly partSize?: number;
  /** Attempts per request, counting the first; transient failures are retried with backoff. */
  readonly maxAttempts?: number;
  /** First backoff delay in ms; doubles on each retry, with jitter. */
  readonly retryBaseMs?: number;
  /** hasMany asks HEAD per key up to this many keys, and lists the prefixes beyond it. */
  readonly headLimit?: number;
  /** Files up to this size are read into memory and sent in one PUT; bigger ones stream. */
  readonly memoryUploadLimit?: number;
}

type Sdk = typeof import('@aws-sdk/client-s3');

const MIB = 1024 * 1024;
const DEFAULTS = { multipartThreshold: 64 * MIB, partSize: 16 * MIB, maxAttempts: 4, retryBaseMs: 100, headLimit: 64, memoryUploadLimit: 8 * MIB } as const;
const MAX_PARTS = 10_000;
const PART_CONCURRENCY = 4;
const QUERY_CONCURRENCY = 32;

/**
 * An object store on S3 or any S3-compatible server (MinIO, Ceph, s3rver), at
 * `s3://bucket/prefix`. The SDK is loaded on first use so commands that never touch a remote
 * start fast. Puts are atomic by S3's semantics: a PUT or a completed multipart upload
 * appears whole; a failed multipart upload is aborted.
 */
export class S3ObjectStore implements ObjectStore {
  readonly url: string;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly endpoint: string;
  private readonly options: Required<S3StoreOptions>;
  private client?: Promise<{ sdk: Sdk; client: S3Client }>;

  constructor(private readonly remote: RemoteConfig, options: S3StoreOptions = {}) {
    const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(remote.url);
    if (!m) fail('CONFIG_INVALID', `remote URL '${remote.url}' is not of the form s3://bucket/prefix`, { url: remote.url });
    this.bucket = m[1]!;
    this.prefix = m[2]!.replace(/\/+$/, '');
    this.url = `s3://${this.bucket}${this.prefix ? `/${this.prefix}` : ''}`;
    this.endpoint = remote.endpoint ?? `https://s3.${remote.region}.amazonaws.com`;
    this.options = { ...DEFAULTS, ...options };
  }

  async hasMany(keys: readonly string[]): Promise<Set<string>> {
    keys.forEach((k) => checkKey(k, this.url));
    if (keys.length <= this.options.headLimit) return this.headMany(keys);
    return this.listMany(keys);
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    const { sdk, client } = await this.open();
    const strip = this.prefix ? this.prefix.length + 1 : 0;
    let token: string | undefined;
    do {
      const page = await this.call('list', prefix, () =>
        client.send(new sdk.ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.full(prefix), ContinuationToken: token })));
      for (const o of page.Contents ?? []) {
        if (o.Key !== undefined) yield { key: o.Key.slice(strip), size: o.Size ?? 0 };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  async putFile(key: string, localPath: string): Promise<void> {
    checkKey(key, this.url);
    const stat = await fs.stat(localPath).catch((err) => {
      throw fromSystemError(err, localPath);
    });
    if (!stat.isFile()) fail('INVALID_ARGUMENT', `${localPath}: not a regular file, cannot upload it`, { path: localPath });
    if (stat.size >= this.options.multipartThreshold) return this.putMultipart(key, localPath, stat.size);
    // Small files go up from memory: cheaper than a stream per request, and retries reuse it.
    if (stat.size <= this.options.memoryUploadLimit) {
      const data = await fs.readFile(localPath).catch((err) => {
        throw fromSystemError(err, localPath);
      });
      return this.putBytes(key, data);
    }
    const { sdk, client } = await this.open();
    // The body is opened inside the retried function: a retry needs a fresh stream.
    await this.call('upload', key, () =>
      client.send(new sdk.PutObjectCommand({ Bucket: this.bucket, Key: this.full(key), Body: createReadStream(localPath), ContentLength: stat.size })));
  }

  async putBytes(key: string, data: Uint8Array): Promise<void> {
    checkKey(key, this.url);
    const { sdk, client } = await this.open();
    await this.call('upload', key, () =>
      client.send(new sdk.PutObjectCommand({ Bucket: this.bucket, Key: this.full(key), Body: data, ContentLength: data.byteLength })));
  }

  async getFile(key: string, localPath: string): Promise<void> {
    checkKey(key, this.url);
    const { sdk, client } = await this.open();
    await fs.mkdir(path.dirname(localPath), { recursive: true }).catch((err) => {
      throw fromSystemError(err, localPath);
    });
    await this.call('download', key, async () => {
      const tmp = tempPathFor(localPath);
      try {
        const res = await client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.full(key) }));
        await pipeline(res.Body as Readable, createWriteStream(tmp));
        const got = (await fs.stat(tmp)).size;
        if (res.ContentLength !== undefined && got !== res.ContentLength) {
          throw Object.assign(new Error(`short read: ${got} of ${res.ContentLength} bytes`), { code: 'ECONNRESET' });
        }
        await fs.rename(tmp, localPath);
      } catch (err) {
        await fs.rm(tmp, { force: true }).catch(() => undefined);
        throw isSystemWriteError(err) ? fromSystemError(err, localPath) : err;
      }
    });
  }

  async getBytes(key: string): Promise<Uint8Array> {
    const body = await this.getStream(key);
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async getStream(key: string): Promise<Readable> {
    checkKey(key, this.url);
    const { sdk, client } = await this.open();
    const res = await this.call('download', key, () => client.send(new sdk.GetObjectCommand({ Bucket: this.bucket, Key: this.full(key) })));
    return res.Body as Readable;
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    keys.forEach((k) => checkKey(k, this.url));
    const { sdk, client } = await this.open();
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const res = await this.call('delete', undefined, () =>
        client.send(new sdk.DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((k) => ({ Key: this.full(k) })), Quiet: true } })));
      const bad = (res.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (bad.length > 0) {
        fail('REMOTE_ERROR', `${this.url}: could not delete ${bad.length} object(s), first '${bad[0]!.Key}': ${bad[0]!.Code} ${bad[0]!.Message ?? ''}`.trim(), { url: this.url });
      }
    }
  }

  async close(): Promise<void> {
    const opened = this.client;
    this.client = undefined;
    if (opened) (await opened).client.destroy();
  }

  private full(key: string): string {
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private open(): Promise<{ sdk: Sdk; client: S3Client }> {
    this.client ??= (async () => {
      // The pinned SDK warns about Node 20 on stderr at first use; Paddock supports Node 20.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
      const sdk = await import('@aws-sdk/client-s3');
      const r = this.remote;
      const agent = { keepAlive: true, maxSockets: Math.max(64, r.jobs ?? 0) };
      const client = new sdk.S3Client({
        region: r.region,
        endpoint: r.endpoint,
        forcePathStyle: r.force_path_style,
        credentials: r.access_key_id && r.secret_access_key ? { accessKeyId: r.access_key_id, secretAccessKey: r.secret_access_key } : undefined,
        // Retries are ours (see call()), so a streamed body can be reopened for each attempt.
        maxAttempts: 1,
        // Checksums only where S3 demands them: S3-compatible servers differ in support.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        requestHandler: { connectionTimeout: 5000, socketTimeout: 120_000, httpAgent: agent, httpsAgent: agent },
      });
      return { sdk, client };
    })();
    return this.client;
  }

  /** Runs one request with bounded retries on transient failures, translating the final error. */
  private async call<T>(op: string, key: string | undefined, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (attempt >= this.options.maxAttempts || !isTransientS3Error(err)) {
          throw translateS3Error(err, { url: this.url, endpoint: this.endpoint, key, op });
        }
        const delay = this.options.retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random());
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async headMany(keys: readonly string[]): Promise<Set<string>> {
    const { sdk, client } = await this.open();
    const found = new Set<string>();
    await forEachLimited(keys, QUERY_CONCURRENCY, async (key) => {
      try {
        await this.call('existence check', key, () => client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: this.full(key) })));
        found.add(key);
      } catch (err) {
        if (!(err instanceof PaddockError && err.code === 'REMOTE_OBJECT_MISSING')) throw err;
      }
    });
    return found;
  }

  /**
   * Many keys: one listing per folder (`files/md5/ab/`) instead of a HEAD per key. A listing
   * stops once it passes the greatest wanted key (S3 lists in UTF-8 byte order).
   */
  private async listMany(keys: readonly string[]): Promise<Set<string>> {
    const groups = new Map<string, string[]>();
    for (const key of keys) {
      const dir = key.slice(0, key.lastIndexOf('/') + 1);
      let group = groups.get(dir);
      if (!group) groups.set(dir, (group = []));
      group.push(key);
    }
    const found = new Set<string>();
    await forEachLimited([...groups], QUERY_CONCURRENCY, async ([dir, wanted]) => {
      const want = new Set(wanted);
      const last = wanted.map((k) => Buffer.from(k)).reduce((a, b) => (Buffer.compare(a, b) >= 0 ? a : b));
      for await (const info of this.list(dir)) {
        if (want.has(info.key)) found.add(info.key);
        if (Buffer.compare(Buffer.from(info.key), last) >= 0) break;
      }
    });
    return found;
  }

  private async putMultipart(key: string, localPath: string, size: number): Promise<void> {
    const { sdk, client } = await this.open();
    const Key = this.full(key);
    const partSize = Math.max(this.options.partSize, Math.ceil(size / MAX_PARTS));
    const created = await this.call('upload', key, () => client.send(new sdk.CreateMultipartUploadCommand({ Bucket: this.bucket, Key })));
    const UploadId = created.UploadId!;
    try {
      const numbers = Array.from({ length: Math.ceil(size / partSize) }, (_, i) => i + 1);
      const etags: string[] = [];
      await forEachLimited(numbers, PART_CONCURRENCY, async (n) => {
        const start = (n - 1) * partSize;
        const length = Math.min(partSize, size - start);
        const res = await this.call('upload', key, () => client.send(new sdk.UploadPartCommand({
          Bucket: this.bucket, Key, UploadId, PartNumber: n, ContentLength: length,
          Body: createReadStream(localPath, { start, end: start + length - 1 }),
        })));
        etags[n - 1] = res.ETag!;
      });
      await this.call('upload', key, () => client.send(new sdk.CompleteMultipartUploadCommand({
        Bucket: this.bucket, Key, UploadId, MultipartUpload: { Parts: numbers.map((n) => ({ PartNumber: n, ETag: etags[n - 1] })) },
      })));
    } catch (err) {
      // Nothing was published; abort so the parts stop costing storage.
      await client.send(new sdk.AbortMultipartUploadCommand({ Bucket: this.bucket, Key, UploadId })).catch(() => undefined);
      throw err;
    }
  }
}

/** Errors raised by the local write side of a download (disk full, permissions). */
function isSystemWriteError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'EIO';
}
