import path from 'node:path';
import { fail } from '../../core/errors.js';
import { parseYamlSource } from '../definition/yaml-source.js';
import { parseToml } from './toml.js';

/** File extensions DVC reads params from (Python files are not supported here). */
export const PARAMS_EXTENSIONS = ['.yaml', '.yml', '.json', '.toml'] as const;

/**
 * Parses the text of a params (or vars, or metrics) file by its extension into a mapping.
 * `floats` keeps YAML floats as PyFloat for templating. Bad syntax → YAML_INVALID naming the
 * file (and line for YAML); an unsupported type or a non-mapping → STAGE_INVALID.
 */
export function parseParamsText(file: string, text: string, options: { floats?: boolean } = {}): Record<string, unknown> {
  const ext = path.extname(file).toLowerCase();
  let value: unknown;
  if (ext === '.yaml' || ext === '.yml') value = text.trim() === '' ? {} : parseYamlSource(file, text, options).value;
  else if (ext === '.json') value = parseJson(file, text);
  else if (ext === '.toml') value = parseToml(file, text);
  else fail('STAGE_INVALID', `${file}: unsupported params file type '${ext || '(none)'}' (supported: ${PARAMS_EXTENSIONS.join(', ')})`, { file });
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) fail('STAGE_INVALID', `${file}: expected a mapping of keys at the top level`, { file });
  return value as Record<string, unknown>;
}

function parseJson(file: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const pos = /position (\d+)/.exec(String((err as Error).message));
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    return fail('YAML_INVALID', `${file}${line ? `:${line}` : ''}: invalid JSON: ${(err as Error).message}`, { file, line });
  }
}

/**
 * The value at a dotted key (`train.lr`, `layers.0.units`) or undefined when absent. A key
 * written literally with dots at the top level wins, as pydash.get does.
 */
export function getDotted(config: unknown, key: string): { found: boolean; value?: unknown } {
  if (isMapping(config) && Object.hasOwn(config, key)) return { found: true, value: config[key] };
  let cur: unknown = config;
  for (const part of key.split('.')) {
    if (Array.isArray(cur) && /^\d+$/.test(part) && Number(part) < cur.length) cur = cur[Number(part)];
    else if (isMapping(cur) && Object.hasOwn(cur, part)) cur = cur[part];
    else return { found: false };
  }
  return { found: true, value: cur };
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
