import { fail, isPaddockError } from '../core/errors.js';
import type { ModelVersion } from './model.js';
import type { RegistryStore } from './registry-store.js';

/** A parsed `models:/…` URI: one of a version number, an alias, or `latest`. */
export type ModelReference =
  | { readonly name: string; readonly kind: 'version'; readonly version: number }
  | { readonly name: string; readonly kind: 'alias'; readonly alias: string }
  | { readonly name: string; readonly kind: 'latest' };

const PREFIX = 'models:/';

/**
 * Parses `models:/name/3`, `models:/name@alias` and `models:/name/latest` (MLflow's model URI
 * forms, without the deprecated stage form). INVALID_ARGUMENT naming the expected shapes.
 */
export function parseModelUri(uri: string): ModelReference {
  const bad = (why: string): never => fail('INVALID_ARGUMENT', `'${uri}' is not a model URI (${why}); use models:/<name>/<version>, models:/<name>@<alias> or models:/<name>/latest`, { field: 'uri', uri });
  if (typeof uri !== 'string' || !uri.startsWith(PREFIX)) return bad(`it must start with ${PREFIX}`);
  const rest = uri.slice(PREFIX.length).replace(/\/+$/, '');
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    const name = rest.slice(0, at);
    const alias = rest.slice(at + 1);
    if (!name || !alias || name.includes('/')) return bad('expected <name>@<alias>');
    return { name, kind: 'alias', alias };
  }
  const slash = rest.lastIndexOf('/');
  if (slash <= 0) return bad('no version, alias or latest given');
  const name = rest.slice(0, slash);
  const suffix = rest.slice(slash + 1);
  if (name.includes('/')) return bad('the name may not contain /');
  if (suffix === 'latest') return { name, kind: 'latest' };
  if (/^\d+$/.test(suffix) && Number(suffix) >= 1) return { name, kind: 'version', version: Number(suffix) };
  return bad(`'${suffix}' is not a version number; stages are not supported, use an alias (@name)`);
}

/**
 * Resolves a `models:/` URI to its model version. NOT_FOUND names what was missing: the model,
 * the version, the alias, or (for latest) the fact that the model has no versions.
 */
export async function resolveModelUri(registry: RegistryStore, uri: string): Promise<ModelVersion> {
  const ref = parseModelUri(uri);
  try {
    switch (ref.kind) {
      case 'version':
        return await registry.getVersion(ref.name, ref.version);
      case 'alias':
        return await registry.getVersionByAlias(ref.name, ref.alias);
      case 'latest': {
        const model = await registry.getModel(ref.name);
        if (!model.latestVersion) fail('NOT_FOUND', `${uri}: registered model '${ref.name}' has no versions yet`, { uri, name: ref.name });
        return model.latestVersion;
      }
    }
  } catch (err) {
    if (isPaddockError(err, 'NOT_FOUND')) fail('NOT_FOUND', `${uri}: ${err.message}`, { ...err.details, uri }, err);
    throw err;
  }
}

/** The canonical URI of a version: `models:/name/3`. */
export function modelVersionUri(name: string, version: number): string {
  return `${PREFIX}${name}/${version}`;
}
