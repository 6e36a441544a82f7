// `push` of a many-file directory to a local S3-protocol server (s3rver), beside a plain
// parallel upload of the same files with the same SDK and the same parallelism.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { startS3Server } from '../src/test-support/s3-server.ts';
import { best, fmtSeconds, initProject, paddock, removeDir, row, tempDir, time, writeManyFiles } from './lib.js';

const JOBS = 16;

export async function pushS3() {
  const count = Number(process.env.PADDOCK_BENCH_PUSH_FILES ?? (process.env.PADDOCK_BENCH_SMALL ? 5_000 : 100_000));
  const dir = tempDir('push');
  // The server runs in its own process, so neither side shares an event loop with it.
  const server = await startS3Server({ buckets: ['ours', 'plain'] });
  const endpoint = server.endpoint;
  try {
    initProject(dir);
    writeManyFiles(path.join(dir, 'data'), count, 1024);
    writeFileSync(path.join(dir, 'paddock.yaml'), `core:\n  remote: bench\n  jobs: ${JOBS}\nremotes:\n  bench:\n    url: s3://ours/store\n    endpoint: ${endpoint}\n    access_key_id: S3RVER\n    secret_access_key: S3RVER\n`);
    paddock(dir, ['add', '-q', 'data']);
    const ours = await time(() => paddock(dir, ['push', '-q']));
    const plain = await time(() => plainUpload(endpoint, path.join(dir, 'data')));
    const again = await best(1, () => paddock(dir, ['push', '-q']));
    const rate = (s) => `${Math.round(count / s)} files/s`;
    return [
      row(`push of ${count.toLocaleString('en')} files to s3rver`, `${rate(ours)} (${fmtSeconds(ours)})`, `${rate(plain)} (${fmtSeconds(plain)})`, `plain PutObject ×${JOBS}`, 'report', `${(plain / ours).toFixed(2)}×`, true),
      row('push again, nothing new', fmtSeconds(again), fmtSeconds(plain), `plain PutObject ×${JOBS}`, 'report', `${(again / plain).toFixed(3)}×`, true),
    ];
  } finally {
    await server.stop();
    removeDir(dir);
  }
}

async function plainUpload(endpoint, root) {
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  const files = readdirSync(root, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath ?? d.path, d.name));
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const file = files[next++];
      await client.send(new PutObjectCommand({ Bucket: 'plain', Key: path.relative(root, file), Body: readFileSync(file) }));
    }
  };
  await Promise.all(Array.from({ length: JOBS }, worker));
  client.destroy();
}
