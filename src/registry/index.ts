/** The registry capability's public surface. */
export type * from './model.js';
export type { RegistryStore, Actor } from './registry-store.js';
export { checkAliasName, checkModelName, checkTag, checkVersion, MAX_ALIAS_LENGTH, MAX_MODEL_NAME_LENGTH, MAX_TAG_KEY_LENGTH, MAX_TAG_VALUE_LENGTH } from './names.js';
export { parseModelUri, resolveModelUri, modelVersionUri, type ModelReference } from './model-uri.js';
export { lineageOf, LINEAGE_TAGS } from './lineage.js';
