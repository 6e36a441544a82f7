/**
 * What each search endpoint accepts, as data: entity prefixes, attribute keys and their types,
 * and which operators each key allows. The facts follow MLflow's search utils
 * (SearchUtils, SearchExperimentsUtils, SearchModelUtils, SearchModelVersionUtils); where
 * Paddock is more permissive it says so below.
 */
import type { FilterEntity, FilterOp } from './ast.js';

/** How one key compares: the literal type it takes and the operators it allows. */
export interface KeySpec {
  readonly type: 'number' | 'string';
  readonly ops: readonly FilterOp[];
  /** Accept a quoted integer for a numeric key (MLflow's `version_number = '3'`). */
  readonly quotedNumbers?: boolean;
}

/** One entity of a dialect: either any key (metrics, params, tags) or a fixed set (attributes). */
export interface EntitySpec {
  /** Singular noun for messages: `metric`, `param`, `tag`, `attribute`, `dataset field`. */
  readonly label: string;
  readonly anyKey?: KeySpec;
  readonly keys?: Readonly<Record<string, KeySpec>>;
  /** Alternative spellings → canonical key (MLflow's `created` → `start_time`). */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Keys that order_by accepts; `'any'` for any key; absent: the entity cannot be ordered by. */
  readonly orderKeys?: 'any' | readonly string[];
}

/** A search language: what `prefix.key` means and what each key accepts. */
export interface FilterDialect {
  /** What is searched, for messages: `runs`, `experiments`, … */
  readonly subject: string;
  /** Lower-case prefix → entity; a bare key is an attribute. */
  readonly prefixes: Readonly<Record<string, FilterEntity>>;
  readonly entities: Readonly<Partial<Record<FilterEntity, EntitySpec>>>;
}

const NUMERIC_OPS: readonly FilterOp[] = ['=', '!=', '>', '>=', '<', '<='];
// MLflow 3 adds IS NULL / IS NOT NULL for params and tags only.
const PARAM_TAG_OPS: readonly FilterOp[] = ['=', '!=', 'LIKE', 'ILIKE', 'IS NULL', 'IS NOT NULL'];
// MLflow accepts value lists only for run_id (and dataset fields); Paddock accepts them for every
// string attribute (`status IN ('FAILED', 'KILLED')`), a strict superset.
const STRING_ATTR_OPS: readonly FilterOp[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];

const NUMBER: KeySpec = { type: 'number', ops: NUMERIC_OPS };
const STRING_ATTR: KeySpec = { type: 'string', ops: STRING_ATTR_OPS };
const PARAM_TAG: KeySpec = { type: 'string', ops: PARAM_TAG_OPS };
const TAGS: EntitySpec = { label: 'tag', anyKey: PARAM_TAG };

const ATTRIBUTE_PREFIXES = { attribute: 'attribute', attributes: 'attribute', attr: 'attribute' } as const;
const TAG_PREFIXES = { tag: 'tag', tags: 'tag' } as const;

/** search-runs (SearchUtils). */
export const RUNS_DIALECT: FilterDialect = {
  subject: 'runs',
  prefixes: {
    metric: 'metric',
    metrics: 'metric',
    param: 'param',
    params: 'param',
    parameter: 'param',
    parameters: 'param',
    ...TAG_PREFIXES,
    ...ATTRIBUTE_PREFIXES,
    run: 'attribute',
    dataset: 'dataset',
    datasets: 'dataset',
  },
  entities: {
    metric: { label: 'metric', anyKey: NUMBER, orderKeys: 'any' },
    param: { label: 'param', anyKey: PARAM_TAG, orderKeys: 'any' },
    tag: { ...TAGS, orderKeys: 'any' },
    attribute: {
      label: 'attribute',
      keys: {
        run_id: STRING_ATTR,
        run_name: STRING_ATTR,
        user_id: STRING_ATTR,
        status: STRING_ATTR,
        artifact_uri: STRING_ATTR,
        start_time: NUMBER,
        end_time: NUMBER,
      },
      aliases: { created: 'start_time', Created: 'start_time', 'run name': 'run_name', 'Run name': 'run_name', 'Run Name': 'run_name' },
      orderKeys: ['run_id', 'run_name', 'user_id', 'status', 'artifact_uri', 'start_time', 'end_time'],
    },
    dataset: {
      label: 'dataset field',
      keys: { name: STRING_ATTR, digest: STRING_ATTR, context: STRING_ATTR },
    },
  },
};

/** search-experiments (SearchExperimentsUtils). */
export const EXPERIMENTS_DIALECT: FilterDialect = {
  subject: 'experiments',
  prefixes: { ...ATTRIBUTE_PREFIXES, ...TAG_PREFIXES },
  entities: {
    attribute: {
      label: 'attribute',
      keys: { name: STRING_ATTR, creation_time: NUMBER, last_update_time: NUMBER },
      orderKeys: ['name', 'experiment_id', 'creation_time', 'last_update_time'],
    },
    tag: TAGS,
  },
};

/** search-registered-models (SearchModelUtils). */
export const MODELS_DIALECT: FilterDialect = {
  subject: 'registered models',
  prefixes: { ...ATTRIBUTE_PREFIXES, ...TAG_PREFIXES },
  entities: {
    attribute: {
      label: 'attribute',
      keys: { name: STRING_ATTR },
      // `timestamp` is the older spelling MLflow still accepts in order_by.
      aliases: { timestamp: 'creation_timestamp' },
      orderKeys: ['name', 'creation_timestamp', 'last_updated_timestamp'],
    },
    tag: TAGS,
  },
};

/** search-model-versions (SearchModelVersionUtils). `source_path` is the version's `source`. */
export const MODEL_VERSIONS_DIALECT: FilterDialect = {
  subject: 'model versions',
  prefixes: { ...ATTRIBUTE_PREFIXES, ...TAG_PREFIXES },
  entities: {
    attribute: {
      label: 'attribute',
      keys: {
        name: STRING_ATTR,
        run_id: STRING_ATTR,
        source_path: STRING_ATTR,
        version_number: { type: 'number', ops: NUMERIC_OPS, quotedNumbers: true },
      },
      aliases: { timestamp: 'creation_timestamp' },
      orderKeys: ['name', 'version_number', 'creation_timestamp', 'last_updated_timestamp'],
    },
    tag: TAGS,
  },
};
