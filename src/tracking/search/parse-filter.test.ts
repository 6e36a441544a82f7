/**
 * Filter parsing. Valid cases and their expected parses come from MLflow's
 * tests/utils/test_search_utils.py (test_filter, test_correct_quote_trimming), translated to
 * Paddock's AST (typed values, canonical entity names); error cases from the same file's
 * test_error_filter / test_bad_quotes / test_invalid_clauses, with Paddock's positions.
 */
import { describe, expect, it } from 'vitest';
import { isPaddockError } from '../../core/errors.js';
import type { FilterExpr } from './ast.js';
import { parseExperimentFilter, parseModelFilter, parseModelVersionFilter, parseRunFilter } from './parse-filter.js';

const cmp = (entity: string, key: string, op: string, value: unknown, position = 0) => ({ kind: 'compare', entity, key, op, value, position });

/** The error a parse throws: INVALID_ARGUMENT with details.position. */
function errorOf(parse: () => unknown): { message: string; position: number } {
  try {
    parse();
  } catch (err) {
    if (!isPaddockError(err, 'INVALID_ARGUMENT')) throw err;
    return { message: err.message, position: err.details['position'] as number };
  }
  throw new Error('expected the parse to fail');
}

describe('parseRunFilter: MLflow test_filter cases', () => {
  const cases: [string, FilterExpr | undefined][] = [
    ['metric.acc >= 0.94', cmp('metric', 'acc', '>=', 0.94) as FilterExpr],
    ['metric.acc>=100', cmp('metric', 'acc', '>=', 100) as FilterExpr],
    ["params.m!='tf'", cmp('param', 'm', '!=', 'tf') as FilterExpr],
    ['params."m"!="tf"', cmp('param', 'm', '!=', 'tf') as FilterExpr],
    ['metric."legit name" >= 0.243', cmp('metric', 'legit name', '>=', 0.243) as FilterExpr],
    ['metrics.XYZ = 3', cmp('metric', 'XYZ', '=', 3) as FilterExpr],
    ['params."cat dog" = "pets"', cmp('param', 'cat dog', '=', 'pets') as FilterExpr],
    ['metrics."X-Y-Z" = 3', cmp('metric', 'X-Y-Z', '=', 3) as FilterExpr],
    ['metrics."X//Y#$$@&Z" = 3', cmp('metric', 'X//Y#$$@&Z', '=', 3) as FilterExpr],
    ["params.model = 'LinearRegression'", cmp('param', 'model', '=', 'LinearRegression') as FilterExpr],
    [
      "metrics.rmse < 1 and params.model_class = 'LR'",
      { kind: 'and', items: [cmp('metric', 'rmse', '<', 1), cmp('param', 'model_class', '=', 'LR', 21)] } as FilterExpr,
    ],
    ['', undefined],
    ['   ', undefined],
    ['`metric`.a >= 0.1', cmp('metric', 'a', '>=', 0.1) as FilterExpr],
    ["tags.version = 'commit-hash'", cmp('tag', 'version', '=', 'commit-hash') as FilterExpr],
    ["`tags`.source_name = 'a notebook'", cmp('tag', 'source_name', '=', 'a notebook') as FilterExpr],
    ['metrics."accuracy.2.0" > 5', cmp('metric', 'accuracy.2.0', '>', 5) as FilterExpr],
    ['metrics.`spacey name` > 5', cmp('metric', 'spacey name', '>', 5) as FilterExpr],
    ['params."p.a.r.a.m" != "a"', cmp('param', 'p.a.r.a.m', '!=', 'a') as FilterExpr],
    ['tags."t.a.g" = "a"', cmp('tag', 't.a.g', '=', 'a') as FilterExpr],
    ["attribute.artifact_uri = '1/23/4'", cmp('attribute', 'artifact_uri', '=', '1/23/4') as FilterExpr],
    ['attribute.start_time >= 1234', cmp('attribute', 'start_time', '>=', 1234) as FilterExpr],
    ["run.status = 'RUNNING'", cmp('attribute', 'status', '=', 'RUNNING') as FilterExpr],
    ["dataset.name = 'my_dataset'", cmp('dataset', 'name', '=', 'my_dataset') as FilterExpr],
    ['tags.version IS NULL', cmp('tag', 'version', 'IS NULL', null) as FilterExpr],
    ['tags.version IS NOT NULL', cmp('tag', 'version', 'IS NOT NULL', null) as FilterExpr],
    ['params.lr IS NULL', cmp('param', 'lr', 'IS NULL', null) as FilterExpr],
    ['params.lr IS NOT NULL', cmp('param', 'lr', 'IS NOT NULL', null) as FilterExpr],
    [
      "tags.a IS NULL AND params.b = 'val'",
      { kind: 'and', items: [cmp('tag', 'a', 'IS NULL', null), cmp('param', 'b', '=', 'val', 19)] } as FilterExpr,
    ],
    // test_correct_quote_trimming
    ["params.m = 'LR'", cmp('param', 'm', '=', 'LR') as FilterExpr],
    ['params.m = "LR"', cmp('param', 'm', '=', 'LR') as FilterExpr],
    ['params.m = "L\'Hosp"', cmp('param', 'm', '=', "L'Hosp") as FilterExpr],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseRunFilter(text)).toEqual(expected);
  });
});

describe('parseRunFilter: identifiers, values and keywords', () => {
  it.each([
    // every prefix MLflow accepts, normalised
    ['metrics.x = 1', 'metric', 'x'],
    ['param.x = "a"', 'param', 'x'],
    ['parameter.x = "a"', 'param', 'x'],
    ['parameters.x = "a"', 'param', 'x'],
    ['tag.x = "a"', 'tag', 'x'],
    ['attributes.status = "a"', 'attribute', 'status'],
    ['attr.status = "a"', 'attribute', 'status'],
    ['datasets.digest = "a"', 'dataset', 'digest'],
    ['params.`a b` = "v"', 'param', 'a b'],
    ["params.'a b' = 'v'", 'param', 'a b'],
    // bare attributes and MLflow's aliases
    ["run_id = 'abc'", 'attribute', 'run_id'],
    ["run_name = 'abc'", 'attribute', 'run_name'],
    ["user_id = 'abc'", 'attribute', 'user_id'],
    ["artifact_uri = 'abc'", 'attribute', 'artifact_uri'],
    ['end_time > 5', 'attribute', 'end_time'],
    ['created > 5', 'attribute', 'start_time'],
    ['Created > 5', 'attribute', 'start_time'],
    ['attributes.created > 5', 'attribute', 'start_time'],
    ['`Run Name` = "x"', 'attribute', 'run_name'],
    ['"run name" = "x"', 'attribute', 'run_name'],
    // keys with characters that are not identifiers elsewhere
    ['metrics.loss-1 < 2', 'metric', 'loss-1'],
    ['metrics.val/loss < 2', 'metric', 'val/loss'],
    ['metrics.accuracy.2.0 > 5', 'metric', 'accuracy.2.0'],
  ])('%s → %s %s', (text, entity, key) => {
    expect(parseRunFilter(text)).toMatchObject({ kind: 'compare', entity, key });
  });

  it.each([
    ['metrics.x > -1', -1],
    ['metrics.x > 1e3', 1000],
    ['metrics.x > -2.5E-2', -0.025],
    ['metrics.x > .5', 0.5],
    ['metrics.x > 3.', 3],
  ])('number %s', (text, value) => {
    expect(parseRunFilter(text)).toMatchObject({ value });
  });

  it('reads keywords in any case and normalises operators to upper case', () => {
    const parsed = parseRunFilter("tags.a like 'x%' AnD tags.b iLiKe 'Y' oR run_id not in ('a') and tags.c is not null");
    expect(parsed).toEqual({
      kind: 'or',
      items: [
        { kind: 'and', items: [cmp('tag', 'a', 'LIKE', 'x%'), cmp('tag', 'b', 'ILIKE', 'Y', 21)] },
        { kind: 'and', items: [cmp('attribute', 'run_id', 'NOT IN', ['a'], 41), cmp('tag', 'c', 'IS NOT NULL', null, 65)] },
      ],
    });
  });

  it('unescapes doubled quotes and backslash-quotes, keeps other backslashes', () => {
    expect(parseRunFilter("params.a = 'it''s'")).toMatchObject({ value: "it's" });
    expect(parseRunFilter("params.a = 'it\\'s'")).toMatchObject({ value: "it's" });
    expect(parseRunFilter("params.a = 'C:\\\\dir'")).toMatchObject({ value: 'C:\\\\dir' });
    expect(parseRunFilter("params.a = 'C:\\dir'")).toMatchObject({ value: 'C:\\dir' });
  });

  it('parses IN lists for run_id, string attributes and dataset fields', () => {
    expect(parseRunFilter("attributes.run_id IN ('a1', 'b2')")).toMatchObject({ op: 'IN', value: ['a1', 'b2'] });
    expect(parseRunFilter("run_id NOT IN ('a1')")).toMatchObject({ op: 'NOT IN', value: ['a1'] });
    expect(parseRunFilter("status IN ('FAILED', \"KILLED\")")).toMatchObject({ value: ['FAILED', 'KILLED'] });
    expect(parseRunFilter("datasets.digest IN ('d1','d2')")).toMatchObject({ entity: 'dataset', value: ['d1', 'd2'] });
  });
});

describe('parseRunFilter: OR and parentheses (Paddock additions)', () => {
  const a = cmp('metric', 'a', '>', 1);
  it('binds AND tighter than OR', () => {
    expect(parseRunFilter('metrics.a > 1 or metrics.b > 2 and metrics.c > 3')).toEqual({
      kind: 'or',
      items: [a, { kind: 'and', items: [cmp('metric', 'b', '>', 2, 17), cmp('metric', 'c', '>', 3, 35)] }],
    });
    expect(parseRunFilter('metrics.a > 1 and metrics.b > 2 or metrics.c > 3')).toEqual({
      kind: 'or',
      items: [{ kind: 'and', items: [a, cmp('metric', 'b', '>', 2, 18)] }, cmp('metric', 'c', '>', 3, 35)],
    });
  });

  it('lets parentheses override precedence', () => {
    expect(parseRunFilter('(metrics.a > 1 or metrics.b > 2) and metrics.c > 3')).toEqual({
      kind: 'and',
      items: [{ kind: 'or', items: [cmp('metric', 'a', '>', 1, 1), cmp('metric', 'b', '>', 2, 18)] }, cmp('metric', 'c', '>', 3, 37)],
    });
  });

  it('flattens chains and redundant parentheses', () => {
    expect(parseRunFilter('((metrics.a > 1))')).toEqual(cmp('metric', 'a', '>', 1, 2));
    const flat = parseRunFilter('metrics.a > 1 or (metrics.b > 1 or metrics.c > 1) or metrics.d > 1');
    expect(flat).toMatchObject({ kind: 'or', items: [{ key: 'a' }, { key: 'b' }, { key: 'c' }, { key: 'd' }] });
  });

  it('parses the issue example', () => {
    expect(parseRunFilter("metrics.auc > 0.9 and params.model = 'gbdt' and tags.team LIKE 'ml%'")).toEqual({
      kind: 'and',
      items: [cmp('metric', 'auc', '>', 0.9), cmp('param', 'model', '=', 'gbdt', 22), cmp('tag', 'team', 'LIKE', 'ml%', 48)],
    });
  });
});

describe('parseRunFilter: errors point at the position', () => {
  it.each([
    // MLflow's test_error_filter, test_bad_quotes, test_invalid_clauses, test_error_comparison_clauses
    ['metric.acc >= 0.94; metrics.rmse < 1', 18, "unexpected character ';'"],
    ['m.acc >= 0.94', 0, "unknown entity 'm'"],
    ['acc >= 0.94', 0, "unknown attribute 'acc'"],
    ["p.model >= 'LR'", 0, "unknown entity 'p'"],
    ['attri.x != 1', 0, "unknown entity 'attri'"],
    ["model >= 'LR'", 0, "unknown attribute 'model'"],
    ["metrics.A > 0.1 NAND params.B = 'LR'", 16, "expected AND, OR or the end of the filter, found 'NAND'"],
    ['`metrics.A > 0.1', 0, 'unterminated backtick-quoted name'],
    ['attribute.start != 1', 10, "unknown attribute 'start'"],
    ['attribute.experiment_id != 1', 10, "unknown attribute 'experiment_id'"],
    ["attribute.lifecycle_stage = 'ACTIVE'", 10, "unknown attribute 'lifecycle_stage'"],
    ['attribute.name != 1', 10, "unknown attribute 'name'"],
    ["attribute._status != 'RUNNING'", 10, "unknown attribute '_status'"],
    ['attribute.status = true', 19, "string values must be quoted: write 'true'"],
    ["dataset.status = 'true'", 8, "unknown dataset field 'status'"],
    ['metrics.acc IS NULL', 12, 'operator IS NULL is not allowed for metrics'],
    ['attribute.status IS NULL', 17, "operator IS NULL is not allowed for string attribute 'status'"],
    ["metric.model = 'LR'", 15, 'expected a number for metrics'],
    ["metric.model = '5'", 15, 'expected a number for metrics'],
    ['params.acc = 5', 13, 'expected a quoted string for params'],
    ['tags.acc = 5', 11, 'expected a quoted string for tags'],
    ['metrics.acc != metrics.acc', 15, 'expected a number for metrics'],
    ['1.0 > metrics.acc', 0, "expected a key such as metrics.auc, params.lr or tags.team, found '1.0'"],
    ['attribute.status = 1', 19, "expected a quoted string for string attribute 'status'"],
    ['params.acc = LR', 13, "string values must be quoted: write 'LR' instead of LR"],
    ['params.acc = `LR`', 13, "string values must be quoted: write 'LR' instead of `LR`"],
    ["params.'acc = LR", 7, 'unterminated string'],
    ["params.acc = 'LR", 13, 'unterminated string'],
    ["params.acc = LR'", 15, 'unterminated string'],
    ['params.acc = "LR\'', 13, 'unterminated double-quoted string'],
    ["tags.acc = = 'LR'", 11, "expected a quoted string for tags (tags.acc) (e.g. 'my-value'), found '='"],
    ["attribute.status IS 'RUNNING'", 20, "expected NULL or NOT NULL after IS, found ''RUNNING''"],
    ['params.acc LR !=', 11, "expected a comparison operator after 'params.acc', found 'LR'"],
    ['metric.acc !=', 13, 'expected a number for metrics (metric.acc), but the filter ended'],
    ['foo is null', 0, "unknown attribute 'foo'"],
    ['1=1', 0, "found '1'"],
    ['1==2', 0, "found '1'"],
    // bad comparators per entity (test_bad_comparators)
    ["params.abc > 'x'", 11, 'operator > is not allowed for params'],
    ["tags.abc <= 'x'", 9, 'operator <= is not allowed for tags'],
    ["attributes.status >= 'x'", 18, "operator >= is not allowed for string attribute 'status'"],
    ['attributes.start_time ILIKE 1234', 22, "operator ILIKE is not allowed for number attribute 'start_time'"],
    ["datasets.name < 'x'", 14, "operator < is not allowed for string dataset field 'name'"],
    ['metrics.abc ~ 1', 12, "unexpected character '~'"],
    ['metrics.abc LIKE 1', 12, 'operator LIKE is not allowed for metrics'],
    ["params.abc IN ('x')", 11, 'operator IN is not allowed for params'],
    // structure
    ['metrics.auc 0.9', 12, "expected a comparison operator after 'metrics.auc', found '0.9'"],
    ["metrics.A > 0.1 AND (params.B = 'LR'", 36, "expected ')' to close the '(' at position 20"],
    ['metrics.a > 1)', 13, "unmatched ')'"],
    ['metrics.a > 1 and', 17, 'expected a comparison (e.g. metrics.auc > 0.9) but the filter ended'],
    ['metrics.a > 1 and or metrics.b > 1', 18, "found 'or'"],
    ['metrics.a == 1', 10, "unknown operator '=='"],
    ['metrics. > 1', 8, "expected a key after 'metrics.'"],
    ['metrics.a > 1abc', 12, "invalid number '1a"],
    ["run_id IN ()", 11, 'the IN list is empty'],
    ["run_id IN ('a' 'b')", 15, "expected ',' or ')' in the IN list"],
    ["run_id IN 'a'", 10, "expected '(' and a list of values after IN"],
    ["tags.a NOT LIKE 'x'", 7, 'NOT LIKE is not supported'],
    ['`metrics.A` > 1', 0, "quote only the key: metrics.`A`"],
  ])('%s → position %i', (text, position, fragment) => {
    const err = errorOf(() => parseRunFilter(text));
    expect(err.position).toBe(position);
    expect(err.message).toContain(fragment);
    expect(err.message).toContain(`at position ${position}`);
  });

  it('quotes the filter with a caret under the position', () => {
    const err = errorOf(() => parseRunFilter('metrics.auc 0.9'));
    expect(err.message).toBe(
      "Invalid filter at position 12: expected a comparison operator after 'metrics.auc', found '0.9'\n" +
        '  metrics.auc 0.9\n' +
        '              ^',
    );
  });

  it('shows a window around the position of a long filter', () => {
    const text = `${'metrics.a > 1 and '.repeat(20)}metrics.b >`;
    const err = errorOf(() => parseRunFilter(text));
    expect(err.position).toBe(text.length);
    const [, line, caret] = err.message.split('\n');
    expect(line!.length).toBeLessThan(80);
    expect(line!.startsWith('  …')).toBe(true);
    expect(caret!.indexOf('^')).toBe(line!.length);
  });

  it('puts the filter, field and position in details', () => {
    try {
      parseRunFilter('metrics.a >');
    } catch (err) {
      expect(isPaddockError(err) && err.details).toEqual({ field: 'filter', filter: 'metrics.a >', position: 11 });
    }
  });
});

describe('parseExperimentFilter', () => {
  it.each([
    ["name = 'exp'", cmp('attribute', 'name', '=', 'exp')],
    ["attribute.name LIKE 'my-%'", cmp('attribute', 'name', 'LIKE', 'my-%')],
    ["name ILIKE '%EXP%'", cmp('attribute', 'name', 'ILIKE', '%EXP%')],
    ['creation_time > 1700000000000', cmp('attribute', 'creation_time', '>', 1700000000000)],
    ['attribute.last_update_time <= 5', cmp('attribute', 'last_update_time', '<=', 5)],
    ["tags.team = 'ml'", cmp('tag', 'team', '=', 'ml')],
    ["tag.`a b` != 'x'", cmp('tag', 'a b', '!=', 'x')],
  ])('%s', (text, expected) => {
    expect(parseExperimentFilter(text)).toEqual(expected);
  });

  it.each([
    ['metrics.a > 1', 0, "unknown entity 'metrics'"],
    ["status = 'x'", 0, "unknown attribute 'status'; valid attributes of experiments are name, creation_time, last_update_time"],
    ["creation_time > '5'", 16, "expected a number for number attribute 'creation_time'"],
    ["name > 'a'", 5, "operator > is not allowed for string attribute 'name'"],
  ])('%s → error at %i', (text, position, fragment) => {
    const err = errorOf(() => parseExperimentFilter(text));
    expect(err.position).toBe(position);
    expect(err.message).toContain(fragment);
  });
});

describe('parseModelFilter / parseModelVersionFilter', () => {
  it('parses registered-model filters (name, tags)', () => {
    expect(parseModelFilter("name LIKE '%fraud%'")).toEqual(cmp('attribute', 'name', 'LIKE', '%fraud%'));
    expect(parseModelFilter("name = 'm' and tags.`env` = 'prod'")).toEqual({
      kind: 'and',
      items: [cmp('attribute', 'name', '=', 'm'), cmp('tag', 'env', '=', 'prod', 15)],
    });
    expect(errorOf(() => parseModelFilter("run_id = 'x'")).message).toContain("unknown attribute 'run_id'");
    expect(errorOf(() => parseModelFilter("params.a = 'x'")).message).toContain("unknown entity 'params'");
  });

  it('parses model-version filters (name, run_id, source_path, version_number, tags)', () => {
    expect(parseModelVersionFilter("name = 'm' and version_number >= 2")).toEqual({
      kind: 'and',
      items: [cmp('attribute', 'name', '=', 'm'), cmp('attribute', 'version_number', '>=', 2, 15)],
    });
    expect(parseModelVersionFilter("run_id IN ('a', 'b')")).toEqual(cmp('attribute', 'run_id', 'IN', ['a', 'b']));
    expect(parseModelVersionFilter("source_path = 's3://b/m'")).toEqual(cmp('attribute', 'source_path', '=', 's3://b/m'));
    expect(parseModelVersionFilter("version_number = '3'")).toEqual(cmp('attribute', 'version_number', '=', 3));
    expect(parseModelVersionFilter("tags.stage ILIKE 'PROD%'")).toEqual(cmp('tag', 'stage', 'ILIKE', 'PROD%'));
    expect(errorOf(() => parseModelVersionFilter("version_number LIKE '1%'")).position).toBe(15);
    expect(errorOf(() => parseModelVersionFilter("metrics.a > 1")).message).toContain("unknown entity 'metrics'");
  });
});
