import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from '../../test-support/cli.js';
import { startS3Server, type S3TestServer } from '../../test-support/s3-server.js';
import { predictionLogContract } from '../contracts/prediction-log.contract.js';
import { FsObjectStore } from '../artifacts/fs-object-store.js';
import { S3ObjectStore } from '../artifacts/s3-object-store.js';
import { ParquetPredictionLog } from './parquet-prediction-log.js';

const dirs = tempDir('paddock-parquet-log-');
let n = 0;
let s3: S3TestServer;

beforeAll(async () => {
  s3 = await startS3Server({ buckets: ['paddock'] });
});
afterAll(async () => {
  await s3.stop();
  dirs.cleanup();
});

predictionLogContract('ParquetPredictionLog in a local directory', async ({ clock, keyColumnOf }) => {
  const root = path.join(dirs.dir, `local-${n++}`);
  const store = new ParquetPredictionLog({ objects: new FsObjectStore(root), localRoot: root, workDir: path.join(root, '.work'), clock, keyColumnOf });
  return { store, cleanup: () => store.close() };
});

predictionLogContract('ParquetPredictionLog on S3 (s3rver)', async ({ clock, keyColumnOf }) => {
  const objects = new S3ObjectStore({ url: `s3://paddock/log-${n++}`, endpoint: s3.endpoint, region: 'us-east-1', force_path_style: true, access_key_id: s3.accessKeyId, secret_access_key: s3.secretAccessKey });
  const store = new ParquetPredictionLog({ objects, workDir: path.join(dirs.dir, `work-${n}`), clock, keyColumnOf });
  return { store, cleanup: () => store.close() };
});

describe('ParquetPredictionLog layout', () => {
  it('writes predictions under predictions/<deployment>/date=YYYY-MM-DD/ and labels beside them, never rewriting a file', async () => {
    const root = path.join(dirs.dir, 'layout');
    const store = new ParquetPredictionLog({ objects: new FsObjectStore(root), localRoot: root, workDir: path.join(dirs.dir, 'layout-work') });
    const at = Date.UTC(2026, 2, 3, 10);
    const base = { rowIndex: 0, deployment: 'churn', model: 'm', version: '1', variant: 'stable', inputs: { a: 1 }, outputs: { y: 0 }, latencyMs: 1 };
    await store.append([{ ...base, requestId: 'r1', at }, { ...base, requestId: 'r2', at: at + 86_400_000 }]);
    await store.attachLabels('churn', [{ requestId: 'r1', label: 1, at: at + 1 }], { joinWindowMs: 3_600_000 });
    const files = (sub: string) => readdirSync(path.join(root, 'predictions', 'churn', sub));
    expect(files('date=2026-03-03')).toEqual([expect.stringMatching(/-n1\.parquet$/)]);
    expect(files('date=2026-03-04')).toHaveLength(1);
    expect(files('labels/date=2026-03-03')).toEqual([expect.stringMatching(/-n1\.parquet$/)]);
    await store.close();
  });
});
