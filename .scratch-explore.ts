import { trainPackage, evaluatePackage, parseTrainerParams } from './src/models/index.js';
import { rmSync } from 'node:fs';
const dir = '/tmp/pdk2'; rmSync(`${dir}/m1`, { recursive: true, force: true });
const base = { task: 'classification' as const, target: 'y', params: parseTrainerParams({ algorithm: 'linear' }, 'x'), name: 'm', lineage: {}, producerVersion: '0' };
const r = await trainPackage({ ...base, data: `${dir}/d.csv`, outDir: `${dir}/m1` });
console.log((await evaluatePackage({ pkg: r.pkg, data: `${dir}/d.csv`, latencySamples: 2, sliceBy: ['flag'] })).metrics);
