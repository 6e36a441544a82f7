import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { alertsConfigSchema, monitoringConfigSchema } from './config-monitoring.js';
import { promotionConfigSchema, retrainingConfigSchema } from './config-automation.js';
import { fail } from './errors.js';
import { parseStrict, parseYamlDocument, validKeysAt as keysAt, type YamlDocument } from './yaml-file.js';

const remoteSchema = z.strictObject({
  url: z.string().min(1).describe('file:/path, a plain directory path, or s3://bucket/prefix'),
  endpoint: z.string().optional().describe('S3 endpoint URL for S3-compatible stores'),
  region: z.string().default('us-east-1'),
  access_key_id: z.string().optional(),
  secret_access_key: z.string().optional(),
  force_path_style: z.boolean().default(true),
  jobs: z.number().int().positive().optional().describe('parallel transfers; default core.jobs'),
});

/** The whole configuration with its defaults; every key a user may set is here. */
export const configSchema = z.strictObject({
  core: z.strictObject({
    remote: z.string().default('').describe('default remote name for push/pull/fetch/status --remote'),
    jobs: z.number().int().positive().default(16).describe('parallel transfers and hashing'),
    log_level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('warn'),
  }).prefault({}),
  metadata: z.strictObject({
    uri: z.string().default('sqlite:.paddock/paddock.db').describe('sqlite:<path> or postgres://…'),
  }).prefault({}),
  cache: z.strictObject({
    dir: z.string().default('.paddock/cache'),
    type: z.string().default('reflink,copy').describe('link types tried in order: reflink, hardlink, symlink, copy'),
  }).prefault({}),
  pipeline: z.strictObject({
    jobs: z.number().int().positive().default(1).describe('stages run in parallel by repro'),
    run_cache: z.boolean().default(true),
  }).prefault({}),
  remotes: z.record(z.string(), remoteSchema).default({}),
  artifacts: z.strictObject({
    root: z.string().default('.paddock/artifacts').describe('where run artifacts go: a directory or s3://bucket/prefix'),
    endpoint: z.string().optional().describe('S3 endpoint for an s3:// artifact root'),
    region: z.string().default('us-east-1'),
    access_key_id: z.string().optional().describe('S3 credentials (default: the usual AWS_* environment)'),
    secret_access_key: z.string().optional(),
  }).prefault({}),
  server: z.strictObject({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(5000),
    auth: z.boolean().default(false).describe('require bearer tokens (paddock tokens create)'),
    body_limit_mb: z.number().positive().default(64),
    max_batch_metrics: z.number().int().positive().default(200_000).describe('metrics accepted in one log-batch (MLflow: 1000)'),
  }).prefault({}),
  monitoring: monitoringConfigSchema,
  alerts: alertsConfigSchema,
  retraining: retrainingConfigSchema,
  promotion: promotionConfigSchema,
});

/** Validated, frozen configuration. */
export type Config = Readonly<z.output<typeof configSchema>>;
export type RemoteConfig = Readonly<z.output<typeof remoteSchema>>;

/** File name of the project configuration. */
export const CONFIG_FILE = 'paddock.yaml';

/** Where a configuration came from, for error messages. */
interface Layer {
  readonly source: string;
  readonly value: Record<string, unknown>;
  readonly yaml?: YamlDocument;
}

/**
 * Loads configuration: defaults < paddock.yaml < PADDOCK_* env < flags. Unknown keys are
 * rejected with the file, line and the nearest valid key. The result is deeply frozen.
 */
export function loadConfig(root: string, options: { env?: NodeJS.ProcessEnv; flags?: Record<string, unknown> } = {}): Config {
  const layers: Layer[] = [];
  const file = path.join(root, CONFIG_FILE);
  if (existsSync(file)) layers.push(readYamlLayer(file));
  layers.push({ source: 'environment', value: envLayer(options.env ?? process.env) });
  if (options.flags) layers.push({ source: 'command-line flags', value: unflatten(options.flags) });
  let merged: Record<string, unknown> = {};
  for (const layer of layers) {
    merged = deepMerge(merged, layer.value);
    validate(layer, merged);
  }
  return deepFreeze(validate({ source: 'configuration', value: merged }, merged));
}

function readYamlLayer(file: string): Layer {
  const yaml = parseYamlDocument(readFileSync(file, 'utf8'), file);
  const value = (yaml.doc.toJS() ?? {}) as unknown;
  if (typeof value !== 'object' || Array.isArray(value) || value === null) {
    fail('CONFIG_INVALID', `${file}: expected a mapping of settings at the top level`, { file });
  }
  return { source: file, value: value as Record<string, unknown>, yaml };
}

function validate(layer: Layer, merged: Record<string, unknown>): Config {
  return parseStrict(configSchema, merged, { file: layer.source, source: layer.yaml, suggest: 'path' });
}

function validKeysAt(keyPath: readonly string[]): string[] {
  return keysAt(configSchema, keyPath);
}

/** PADDOCK_SECTION_KEY variables for every fixed leaf key (remotes are file-only). */
function envLayer(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const section of ['core', 'metadata', 'cache', 'pipeline', 'artifacts', 'server'] as const) {
    for (const key of validKeysAt([section])) {
      const raw = env[`PADDOCK_${section}_${key}`.toUpperCase()];
      if (raw === undefined) continue;
      out[section] = { ...(out[section] as object), [key]: coerce(raw) };
    }
  }
  return out;
}

function coerce(raw: string): unknown {
  if (raw === 'true' || raw === 'false') return raw === 'true';
  if (/^-?\d+$/.test(raw)) return Number(raw);
  return raw;
}

function unflatten(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [dotted, value] of Object.entries(flat)) {
    if (value === undefined) continue;
    const parts = dotted.split('.');
    let cur = out;
    for (const p of parts.slice(0, -1)) cur = (cur[p] ??= {}) as Record<string, unknown>;
    cur[parts.at(-1)!] = value;
  }
  return out;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isPlainObject(prev) && isPlainObject(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepFreeze<T>(value: T): T {
  if (isPlainObject(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
