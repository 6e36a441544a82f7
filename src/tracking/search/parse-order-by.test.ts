/**
 * order_by parsing; cases from MLflow's tests/utils/test_search_utils.py
 * (test_correct_sorting's clauses, test_space_order_by_search_runs,
 * test_invalid_order_by_search_runs, test_invalid_order_by_search_registered_models).
 */
import { describe, expect, it } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import { parseExperimentOrderBy, parseModelOrderBy, parseModelVersionOrderBy, parseOrderBy } from './parse-order-by.js';

function errorOf(parse: () => unknown): { message: string; details: Readonly<Record<string, unknown>> } {
  try {
    parse();
  } catch (err) {
    if (!isPaddockError(err, 'INVALID_ARGUMENT')) throw err;
    return { message: err.message, details: err.details };
  }
  throw new Error('expected the parse to fail');
}

describe('parseOrderBy (runs)', () => {
  it.each([
    ['tags.noSuchTag', 'tag', 'noSuchTag', true],
    ['attributes.status', 'attribute', 'status', true],
    ['attributes.start_time', 'attribute', 'start_time', true],
    ['metrics.key1 asc', 'metric', 'key1', true],
    ['metrics."key1"  desc', 'metric', 'key1', false],
    ['params.my_param aSc', 'param', 'my_param', true],
    ['attributes.status  ASC', 'attribute', 'status', true],
    ['params.`my_param` DESC', 'param', 'my_param', false],
    ['tags.tag1    DESC', 'tag', 'tag1', false],
    ['metrics.`Mean Square Error`', 'metric', 'Mean Square Error', true],
    ['metrics.`Mean Square Error` ASC', 'metric', 'Mean Square Error', true],
    ['metrics.`Mean Square Error` DESC', 'metric', 'Mean Square Error', false],
    ['metrics.auc DESC', 'metric', 'auc', false],
    ['params.lr', 'param', 'lr', true],
    ['start_time', 'attribute', 'start_time', true],
    ['created DESC', 'attribute', 'start_time', false],
    ['run_name', 'attribute', 'run_name', true],
    ['attr.end_time desc', 'attribute', 'end_time', false],
  ])('%s', (item, entity, key, ascending) => {
    expect(parseOrderBy([item])).toEqual([{ entity, key, ascending }]);
  });

  it('keeps the order of several items', () => {
    expect(parseOrderBy(['params.my_param', 'attributes.status DESC'])).toEqual([
      { entity: 'param', key: 'my_param', ascending: true },
      { entity: 'attribute', key: 'status', ascending: false },
    ]);
    expect(parseOrderBy([])).toEqual([]);
  });

  it.each([
    ['m.acc', 0, "unknown entity 'm'"],
    ['acc', 0, "unknown attribute 'acc'"],
    ['attri.x', 0, "unknown entity 'attri'"],
    ['`metrics.A', 0, 'unterminated backtick-quoted name'],
    ['`metrics.A`', 0, 'quote only the key'],
    ['attribute.start', 10, "unknown attribute 'start'"],
    ['attribute.experiment_id', 10, "unknown attribute 'experiment_id'"],
    ['metrics.A != 1', 10, "expected ASC, DESC or the end, found '!='"],
    ['attribute.run_id ACS', 17, "found 'ACS'"],
    ['attribute.run_id decs', 17, "found 'decs'"],
    ['metrics.a DESC DESC', 15, "unexpected 'DESC' after DESC"],
    ['datasets.name', 0, 'runs cannot be ordered by a dataset field'],
    ['', 0, 'the item is empty'],
  ])('%s → error at %i', (item, position, fragment) => {
    const err = errorOf(() => parseOrderBy([item]));
    expect(err.details['position']).toBe(position);
    expect(err.message).toContain(fragment);
  });

  it('names the failing item by index', () => {
    const err = errorOf(() => parseOrderBy(['metrics.a', 'metrics.b DESK']));
    expect(err.details).toEqual({ field: 'order_by', orderBy: 'metrics.b DESK', index: 1, position: 10 });
    expect(err.message).toBe("Invalid order_by[1] at position 10: expected ASC, DESC or the end, found 'DESK'\n  metrics.b DESK\n            ^");
  });
});

describe('order_by for experiments and the registry', () => {
  it('experiments: name, experiment_id, creation_time, last_update_time', () => {
    expect(parseExperimentOrderBy(['name', 'experiment_id DESC', 'attribute.creation_time asc', 'last_update_time'])).toEqual([
      { entity: 'attribute', key: 'name', ascending: true },
      { entity: 'attribute', key: 'experiment_id', ascending: false },
      { entity: 'attribute', key: 'creation_time', ascending: true },
      { entity: 'attribute', key: 'last_update_time', ascending: true },
    ]);
    expect(errorOf(() => parseExperimentOrderBy(['tags.x'])).message).toContain('experiments cannot be ordered by a tag');
  });

  it('registered models: name, timestamp/creation_timestamp, last_updated_timestamp', () => {
    expect(parseModelOrderBy(['name DESC', 'timestamp', 'creation_timestamp ASC', 'last_updated_timestamp DESC'])).toEqual([
      { entity: 'attribute', key: 'name', ascending: false },
      { entity: 'attribute', key: 'creation_timestamp', ascending: true },
      { entity: 'attribute', key: 'creation_timestamp', ascending: true },
      { entity: 'attribute', key: 'last_updated_timestamp', ascending: false },
    ]);
    // test_invalid_order_by_search_registered_models
    for (const bad of ['last_updated_timestamp DESC blah', '', 'timestamp somerandomstuff ASC', 'timestamp somerandomstuff', 'timestamp decs', 'timestamp ACS', 'name aCs']) {
      expect(() => parseModelOrderBy([bad]), bad).toThrow(/Invalid order_by/);
    }
  });

  it('model versions: name, version_number, creation_timestamp, last_updated_timestamp', () => {
    expect(parseModelVersionOrderBy(['version_number DESC', 'name'])).toEqual([
      { entity: 'attribute', key: 'version_number', ascending: false },
      { entity: 'attribute', key: 'name', ascending: true },
    ]);
    expect(errorOf(() => parseModelVersionOrderBy(['run_id'])).message).toContain("unknown attribute 'run_id'");
  });
});
