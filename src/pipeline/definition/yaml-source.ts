import { lineOfKeyPath, parseYamlDocument } from '../../core/yaml-file.js';

/**
 * A YAML float as Python reads it. DVC formats interpolated numbers with Python's `str()`,
 * which keeps `1.0` and writes `1e-05`; a JS number forgets it was a float, so templating
 * carries floats in this wrapper and unwraps them with {@link plain} when done.
 */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
}

/** A parsed YAML file that can say on which line a key path sits. */
export interface YamlSource {
  /** Absolute path of the file, for messages. */
  readonly file: string;
  /** The content as JS values (floats as {@link PyFloat} when parsed with `floats: true`). */
  readonly value: unknown;
  /** The 1-based line of the node at `keyPath` (or of its nearest ancestor found). */
  lineOf(keyPath: readonly (string | number)[]): number;
}

const FLOAT_TAG = 'tag:yaml.org,2002:float';

/**
 * Parses YAML text (YAML 1.2 core schema with merge keys, as ruamel reads dvc.yaml).
 * Malformed YAML → YAML_INVALID naming `file:line`.
 */
export function parseYamlSource(file: string, text: string, options: { floats?: boolean } = {}): YamlSource {
  const source = parseYamlDocument(text, file, { merge: true, uniqueKeys: true, customTags: options.floats ? wrapFloats : undefined });
  return { file, value: source.doc.toJS({ maxAliasCount: 10_000 }) as unknown, lineOf: (keyPath) => lineOfKeyPath(source, keyPath).line };
}

/** Parses YAML text to plain JS values (YAML_INVALID with file:line on bad syntax). */
export function parseYaml(file: string, text: string): unknown {
  return parseYamlSource(file, text).value;
}

function wrapFloats(tags: readonly unknown[]): never {
  return tags.map((t) => {
    const tag = t as { tag?: string; resolve?: (...args: unknown[]) => unknown };
    if (tag.tag !== FLOAT_TAG || !tag.resolve) return t;
    const resolve = tag.resolve;
    return {
      ...tag,
      resolve: (...args: unknown[]) => {
        const r = resolve(...args);
        return new PyFloat(typeof r === 'number' ? r : Number((r as { value: unknown }).value));
      },
    };
  }) as never;
}

/** Deep copy with every {@link PyFloat} turned back into a number. */
export function plain(value: unknown): unknown {
  if (value instanceof PyFloat) return value.value;
  if (Array.isArray(value)) return value.map(plain);
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** A plain object (not an array, not null, not a PyFloat). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof PyFloat);
}
