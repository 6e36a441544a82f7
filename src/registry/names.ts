import { fail } from '../core/errors.js';

/** MLflow's limits (mlflow/utils/validation.py). */
export const MAX_MODEL_NAME_LENGTH = 256;
export const MAX_ALIAS_LENGTH = 255;
export const MAX_TAG_KEY_LENGTH = 250;
export const MAX_TAG_VALUE_LENGTH = 100_000;

// MLflow: alias names are alphanumerics, `_` and `-`; `latest` and `v<digits>` are reserved
// because `models:/name/latest` and `models:/name@v3`-style references must stay unambiguous.
const ALIAS_CHARS = /^[\w-]+$/;
const VERSION_SHAPE = /^[vV]\d+$/;

/** INVALID_ARGUMENT unless `name` is a usable registered-model name. */
export function checkModelName(name: unknown, field = 'name'): string {
  if (typeof name !== 'string' || name.trim() === '') fail('INVALID_ARGUMENT', `${field}: a registered model name is required`, { field });
  if (name.length > MAX_MODEL_NAME_LENGTH) fail('INVALID_ARGUMENT', `${field}: '${name.slice(0, 40)}…' is longer than ${MAX_MODEL_NAME_LENGTH} characters`, { field });
  // '/' and '@' would make `models:/name/3` and `models:/name@alias` ambiguous.
  if (/[/@]/.test(name)) fail('INVALID_ARGUMENT', `${field}: '${name}' may not contain '/' or '@' (they separate the version or alias in models:/ URIs)`, { field, name });
  return name;
}

/** INVALID_ARGUMENT unless `alias` is an alias name MLflow accepts. */
export function checkAliasName(alias: unknown): string {
  if (typeof alias !== 'string' || alias === '') fail('INVALID_ARGUMENT', 'alias: an alias name is required', { field: 'alias' });
  if (!ALIAS_CHARS.test(alias)) fail('INVALID_ARGUMENT', `alias: '${alias}' is not valid; names may only contain letters, digits, '_' and '-'`, { field: 'alias', alias });
  if (alias.length > MAX_ALIAS_LENGTH) fail('INVALID_ARGUMENT', `alias: longer than ${MAX_ALIAS_LENGTH} characters`, { field: 'alias' });
  if (alias.toLowerCase() === 'latest') fail('INVALID_ARGUMENT', "alias: 'latest' is reserved (models:/name/latest means the newest version); pick another name", { field: 'alias', alias });
  if (VERSION_SHAPE.test(alias)) fail('INVALID_ARGUMENT', `alias: '${alias}' is reserved (it looks like a version reference); pick a name that is not v<number>`, { field: 'alias', alias });
  return alias;
}

/** INVALID_ARGUMENT unless `version` is a positive integer (numbers and numeric strings accepted). */
export function checkVersion(version: unknown): number {
  const n = typeof version === 'string' && /^\d+$/.test(version.trim()) ? Number(version) : version;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    fail('INVALID_ARGUMENT', `version: '${String(version)}' is not a version number (1, 2, 3, …)`, { field: 'version', version: String(version) });
  }
  return n;
}

/** INVALID_ARGUMENT unless the tag key and value are within MLflow's limits. */
export function checkTag(key: unknown, value: unknown): void {
  if (typeof key !== 'string' || key === '') fail('INVALID_ARGUMENT', 'tag key: a non-empty key is required', { field: 'key' });
  if (key.length > MAX_TAG_KEY_LENGTH) fail('INVALID_ARGUMENT', `tag key '${key.slice(0, 40)}…' is longer than ${MAX_TAG_KEY_LENGTH} characters`, { field: 'key' });
  if (typeof value !== 'string') fail('INVALID_ARGUMENT', `tag '${key}': the value must be a string`, { field: 'value', key });
  if (value.length > MAX_TAG_VALUE_LENGTH) fail('INVALID_ARGUMENT', `tag '${key}': the value is longer than ${MAX_TAG_VALUE_LENGTH} characters`, { field: 'value', key });
}
