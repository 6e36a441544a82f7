/**
 * The in-memory evaluator and ordering. Fixtures and expected matches are MLflow's
 * (tests/utils/test_search_utils.py: test_correct_filtering, test_filter_runs_by_start_time,
 * test_filter_runs_by_end_time, test_filter_runs_by_tag_and_param_is_null,
 * test_like_pattern_with_plus_character, test_correct_sorting,
 * test_order_by_metric_with_nans_infs_nones); OR/parentheses cases follow from the same data.
 */
import { describe, expect, it } from 'vitest';
import type { Run, RunStatus } from '../model.js';
import { matchesFilter, type FilterSubject } from './evaluate.js';
import { sqlLike } from './like.js';
import { parseExperimentFilter, parseModelVersionFilter, parseRunFilter } from './parse-filter.js';
import { parseOrderBy } from './parse-order-by.js';
import { compareByOrder, experimentFilterSubject, modelVersionFilterSubject, runFilterSubject } from './subjects.js';

interface RunSpec {
  id: string;
  status: RunStatus;
  startTime?: number;
  endTime?: number;
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  datasets?: { name: string; digest: string; context?: string }[];
}

function run(s: RunSpec): Run {
  return {
    info: {
      runId: s.id,
      experimentId: '0',
      runName: `run-${s.id}`,
      userId: 'user-id',
      status: s.status,
      startTime: s.startTime ?? 0,
      endTime: s.endTime ?? 1,
      artifactUri: '',
      lifecycleStage: 'active',
    },
    data: {
      metrics: Object.entries(s.metrics ?? {}).map(([key, value]) => ({ key, value, timestamp: 1, step: 0 })),
      params: Object.entries(s.params ?? {}).map(([key, value]) => ({ key, value })),
      tags: s.tags ?? {},
    },
    inputs: (s.datasets ?? []).map((d) => ({
      name: d.name,
      digest: d.digest,
      sourceType: 'my_source_type',
      source: 'source',
      tags: (d.context === undefined ? {} : { 'mlflow.data.context': d.context }) as Record<string, string>,
    })),
  };
}

function select(filter: string | undefined, runs: readonly Run[]): number[] {
  const expr = filter === undefined ? undefined : parseRunFilter(filter);
  return runs.flatMap((r, i) => (matchesFilter(expr, runFilterSubject(r)) ? [i] : []));
}

describe('matchesFilter: MLflow test_correct_filtering', () => {
  const runs = [
    run({ id: 'hi', status: 'FAILED', metrics: { key1: 121 }, params: { my_param: 'A' }, datasets: [{ name: 'name1', digest: 'digest1', context: 'train' }] }),
    run({ id: 'hi2', status: 'FINISHED', metrics: { key1: 123 }, params: { my_param: 'A' }, tags: { tag1: 'C' }, datasets: [{ name: 'name1', digest: 'digest1' }] }),
    run({ id: 'hi3', status: 'FAILED', metrics: { key1: 125 }, params: { my_param: 'B' }, tags: { tag1: 'D' }, datasets: [{ name: 'name2', digest: 'digest2' }] }),
  ];
  it.each([
    [undefined, [0, 1, 2]],
    ['', [0, 1, 2]],
    ["attributes.status = 'FAILED'", [0, 2]],
    ['metrics.key1 = 123', [1]],
    ['metrics.key1 != 123', [0, 2]],
    ['metrics.key1 >= 123', [1, 2]],
    ["params.my_param = 'A'", [0, 1]],
    ["tags.tag1 = 'D'", [2]],
    ["tags.tag1 != 'D'", [1]],
    ["params.my_param = 'A' AND attributes.status = 'FAILED'", [0]],
    ["datasets.name = 'name1'", [0, 1]],
    ["datasets.name IN ('name1', 'name2')", [0, 1, 2]],
    ["datasets.digest IN ('digest1', 'digest2')", [0, 1, 2]],
    ["datasets.name = 'name1' AND datasets.digest = 'digest2'", []],
    ["datasets.context = 'train'", [0]],
    ["datasets.name = 'name1' AND datasets.context = 'train'", [0]],
    // Paddock's OR and parentheses over the same runs
    ["tags.tag1 = 'D' or metrics.key1 < 122", [0, 2]],
    ["params.my_param = 'B' or params.my_param = 'A' and attributes.status = 'FAILED'", [0, 2]],
    ["(params.my_param = 'B' or params.my_param = 'A') and attributes.status = 'FAILED'", [0, 2]],
    ["(params.my_param = 'B' or params.my_param = 'A') and attributes.status = 'FINISHED'", [1]],
    ["status NOT IN ('FAILED')", [1]],
    ["run_id IN ('hi', 'hi3')", [0, 2]],
    ["run_name LIKE 'run-hi_'", [1, 2]],
  ])('%s', (filter, expected) => {
    expect(select(filter, runs)).toEqual(expected);
  });
});

describe('matchesFilter: attributes, nulls, LIKE, NaN', () => {
  it('filters by start_time and end_time (test_filter_runs_by_start_time / end_time)', () => {
    const runs = ['a', 'b', 'c'].map((id, idx) => run({ id, status: 'FINISHED', startTime: idx, endTime: idx }));
    expect(select('attribute.start_time >= 0', runs)).toEqual([0, 1, 2]);
    expect(select('attribute.start_time > 1', runs)).toEqual([2]);
    expect(select('attribute.start_time = 2', runs)).toEqual([2]);
    expect(select('attribute.end_time >= 0', runs)).toEqual([0, 1, 2]);
    expect(select('attribute.end_time > 1', runs)).toEqual([2]);
    expect(select('attribute.end_time = 2', runs)).toEqual([2]);
  });

  it('treats a missing end_time as absent', () => {
    const running: Run = { ...run({ id: 'r', status: 'RUNNING' }), info: { ...run({ id: 'r', status: 'RUNNING' }).info, endTime: undefined } };
    expect(select('end_time > 0', [running])).toEqual([]);
    expect(select('end_time != 5', [running])).toEqual([]);
  });

  it('IS NULL / IS NOT NULL on tags and params (test_filter_runs_by_tag_and_param_is_null)', () => {
    const runs = [run({ id: 'run1', status: 'FINISHED', tags: { env: 'prod' } }), run({ id: 'run2', status: 'FINISHED', params: { lr: '0.01' } })];
    expect(select('tags.env IS NOT NULL', runs)).toEqual([0]);
    expect(select('tags.env IS NULL', runs)).toEqual([1]);
    expect(select('params.lr IS NOT NULL', runs)).toEqual([1]);
    expect(select('params.lr IS NULL', runs)).toEqual([0]);
  });

  it('LIKE treats % and _ as wildcards and everything else literally (test_like_pattern_with_plus_character)', () => {
    const name = 'jamie-foo C+W bar';
    const exp = { experimentId: '1', name, artifactLocation: '', lifecycleStage: 'active' as const, creationTime: 0, lastUpdateTime: 0, tags: {} };
    expect(matchesFilter(parseExperimentFilter(`name LIKE "${name}"`), experimentFilterSubject(exp))).toBe(true);
    expect(matchesFilter(parseExperimentFilter('name LIKE "jamie-foo C+%"'), experimentFilterSubject(exp))).toBe(true);
    expect(sqlLike('a.c', 'a.c')).toBe(true);
    expect(sqlLike('abc', 'a.c')).toBe(false);
    expect(sqlLike('a(b)c', 'a(%)c')).toBe(true);
    expect(sqlLike('line1\nline2', 'line1%')).toBe(true);
    expect(sqlLike('abc', 'a_c')).toBe(true);
    expect(sqlLike('abbc', 'a_c')).toBe(false);
    expect(sqlLike('ABC', 'abc')).toBe(false);
    expect(sqlLike('ABC', 'abc', true)).toBe(true);
    expect(sqlLike('Ärger', 'ä%', true)).toBe(true);
  });

  it('a NaN metric fails every comparison but != (Python float semantics, as MLflow)', () => {
    const subject: FilterSubject = { metrics: { x: Number.NaN } };
    for (const [filter, expected] of [
      ['metrics.x = 0', false],
      ['metrics.x > -1e308', false],
      ['metrics.x < 1e308', false],
      ['metrics.x >= 0', false],
      ['metrics.x != 0', true],
    ] as const) {
      expect(matchesFilter(parseRunFilter(filter), subject), filter).toBe(expected);
    }
    expect(matchesFilter(parseRunFilter('metrics.y != 0'), subject)).toBe(false);
    expect(matchesFilter(parseRunFilter('metrics.x > 1e400'), { metrics: { x: Infinity } })).toBe(false);
    expect(matchesFilter(parseRunFilter('metrics.x >= 1e400'), { metrics: { x: Infinity } })).toBe(true);
  });

  it('does not see inherited properties as keys', () => {
    expect(matchesFilter(parseRunFilter('tags.toString IS NULL'), { tags: {} })).toBe(true);
    expect(matchesFilter(parseRunFilter("params.constructor LIKE '%'"), { params: {} })).toBe(false);
  });

  it('evaluates model-version filters on the version subject', () => {
    const v = { name: 'fraud', version: 3, source: 's3://b/m', runId: 'abc', creationTimestamp: 1, lastUpdatedTimestamp: 2, tags: { stage: 'prod' } };
    const subject = modelVersionFilterSubject(v);
    expect(matchesFilter(parseModelVersionFilter("name = 'fraud' and version_number >= 3"), subject)).toBe(true);
    expect(matchesFilter(parseModelVersionFilter("source_path LIKE 's3://%' and run_id IN ('abc')"), subject)).toBe(true);
    expect(matchesFilter(parseModelVersionFilter("version_number < '3' or tags.stage ILIKE 'PROD'"), subject)).toBe(true);
    expect(matchesFilter(parseModelVersionFilter('version_number < 3'), subject)).toBe(false);
  });
});

describe('compareByOrder: MLflow test_correct_sorting', () => {
  const runs = [
    run({ id: '9', status: 'FAILED', startTime: 0, metrics: { key1: 121 }, params: { my_param: 'A' } }),
    run({ id: '8', status: 'FINISHED', startTime: 1, metrics: { key1: 123 }, params: { my_param: 'A' }, tags: { tag1: 'C' } }),
    run({ id: '7', status: 'FAILED', startTime: 1, metrics: { key1: 125 }, params: { my_param: 'B' }, tags: { tag1: 'D' } }),
  ];
  // MLflow's natural order (start_time DESC, then run_id) is the tie-breaker after order_by.
  const natural = parseOrderBy(['start_time DESC', 'run_id']);
  function sorted(orderBy: string[], rs: readonly Run[] = runs): number[] {
    const order = [...parseOrderBy(orderBy), ...natural];
    return rs
      .map((r, i) => ({ i, s: runFilterSubject(r) }))
      .sort((a, b) => compareByOrder(order, a.s, b.s))
      .map((x) => x.i);
  }
  it.each([
    [[], [2, 1, 0]],
    [['tags.noSuchTag'], [2, 1, 0]],
    [['attributes.status'], [2, 0, 1]],
    [['attributes.start_time'], [0, 2, 1]],
    [['metrics.key1 asc'], [0, 1, 2]],
    [['metrics."key1"  desc'], [2, 1, 0]],
    [['params.my_param'], [1, 0, 2]],
    [['params.my_param aSc', 'attributes.status  ASC'], [0, 1, 2]],
    [['params.my_param', 'attributes.status DESC'], [1, 0, 2]],
    [['params.my_param DESC', 'attributes.status   DESC'], [2, 1, 0]],
    [['params.`my_param` DESC', 'attributes.status DESC'], [2, 1, 0]],
    [['tags.tag1'], [1, 2, 0]],
    [['tags.tag1    DESC'], [2, 1, 0]],
  ])('%j', (orderBy, expected) => {
    expect(sorted(orderBy)).toEqual(expected);
  });

  it('puts NaN after numbers and absent values last in both directions (test_order_by_metric_with_nans_infs_nones)', () => {
    const vals = ['nan', 'inf', '-inf', '-1000', '0', '1000', 'None'];
    const rs = vals.map((x) => run({ id: x, status: 'FINISHED', metrics: x === 'None' ? {} : { x: Number(x.replace('inf', 'Infinity').replace('nan', 'NaN')) } }));
    expect(sorted(['metrics.x asc'], rs).map((i) => vals[i])).toEqual(['-inf', '-1000', '0', '1000', 'inf', 'nan', 'None']);
    expect(sorted(['metrics.x desc'], rs).map((i) => vals[i])).toEqual(['inf', '1000', '0', '-1000', '-inf', 'nan', 'None']);
  });
});
