import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RemoteConfig } from '../core/config.js';
import { fail } from '../core/errors.js';

/** The parts of a DVC repository's .dvc/config (+ config.local) that Paddock honours. */
export interface DvcConfig {
  readonly present: boolean;
  readonly cacheDir?: string;
  readonly defaultRemote?: string;
  readonly remotes: Readonly<Record<string, RemoteConfig>>;
}

/** Reads .dvc/config and .dvc/config.local (INI, as DVC writes it); absent files are fine. */
export function readDvcConfig(root: string): DvcConfig {
  const dir = path.join(root, '.dvc');
  if (!existsSync(dir)) return { present: false, remotes: {} };
  const sections: Record<string, Record<string, string>> = {};
  for (const name of ['config', 'config.local']) {
    const file = path.join(dir, name);
    if (existsSync(file)) mergeIni(sections, parseIni(readFileSync(file, 'utf8'), file));
  }
  const remotes: Record<string, RemoteConfig> = {};
  for (const [section, values] of Object.entries(sections)) {
    const m = /^remote\s+"(.+)"$/.exec(section);
    if (!m || !values.url) continue;
    remotes[m[1]!] = {
      url: values.url,
      endpoint: values.endpointurl,
      region: values.region ?? 'us-east-1',
      access_key_id: values.access_key_id,
      secret_access_key: values.secret_access_key,
      force_path_style: true,
      jobs: values.jobs ? Number(values.jobs) : undefined,
    };
  }
  const cacheDir = sections.cache?.dir ? path.resolve(dir, sections.cache.dir) : undefined;
  return { present: true, cacheDir, defaultRemote: sections.core?.remote, remotes };
}

function parseIni(text: string, file: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith(';')) return;
    const header = /^\[\s*'?(.+?)'?\s*\]$/.exec(line);
    if (header) {
      current = out[header[1]!] ??= {};
      return;
    }
    const kv = /^([^=]+?)\s*=\s*(.*)$/.exec(line);
    if (!kv || !current) fail('CONFIG_INVALID', `${file}:${i + 1}: expected '[section]' or 'key = value'`, { file, line: i + 1 });
    current[kv[1]!] = kv[2]!;
  });
  return out;
}

function mergeIni(into: Record<string, Record<string, string>>, from: Record<string, Record<string, string>>): void {
  for (const [section, values] of Object.entries(from)) into[section] = { ...into[section], ...values };
}
