import { describe, expect, it } from 'vitest';
import { defaultColumns, type RunKeys } from '../../web/src/pages/experiments/default-columns.js';

const run = (params: Record<string, string>, metrics: readonly string[]): RunKeys => ({
  data: { params: Object.entries(params).map(([key, value]) => ({ key, value })), metrics: metrics.map((key) => ({ key })) },
});

/** The runs table's default columns (web/src/pages/experiments/default-columns.ts): what tells the runs apart. */
describe('experiments page: default columns', () => {
  it('on the quickstart\'s runs: no param (each is equal wherever logged), the headline metric first, then the widespread top-level metrics, per-slice ones last', () => {
    const train = run({ algorithm: 'gbdt', colsample: '1', n_estimators: '100' }, ['train_roc_auc', 'train_accuracy', 'train_seconds']);
    const evaluate = (champion: boolean) => run({ model: 'model', data: 'data/features/test.parquet', compare: 'models:/flights-late@champion' },
      ['accuracy', 'roc_auc', 'log_loss', 'slice.weekday.1.roc_auc', ...(champion ? ['champion_accuracy', 'champion_roc_auc'] : [])]);
    expect(defaultColumns([evaluate(true), train, evaluate(false), train])).toEqual([
      'metrics.roc_auc', 'metrics.accuracy', 'metrics.log_loss', 'metrics.train_accuracy', 'metrics.train_roc_auc', 'metrics.train_seconds', 'metrics.champion_accuracy', 'metrics.champion_roc_auc',
    ]);
  });

  it('puts the params that differ first, most widespread first, and keeps room for three metrics', () => {
    const runs = [
      run({ lr: '0.1', model: 'mlp', seed: '7', depth: '3' }, ['acc', 'loss', 'rmse']),
      run({ lr: '0.2', model: 'tree', seed: '7' }, ['acc', 'loss']),
      run({ lr: '0.3', model: 'tree', seed: '7', depth: '4' }, ['acc']),
    ];
    expect(defaultColumns(runs)).toEqual(['params.lr', 'params.model', 'params.depth', 'metrics.rmse', 'metrics.acc', 'metrics.loss']);
    const many = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, 'a']));
    const other = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`p${i}`, 'b']));
    const cols = defaultColumns([run(many, ['auc', 'f1', 'loss', 'x']), run(other, ['auc'])]);
    expect(cols).toHaveLength(8);
    expect(cols.filter((c) => c.startsWith('params.'))).toHaveLength(5);
    expect(cols.slice(5)).toEqual(['metrics.auc', 'metrics.f1', 'metrics.loss']);
  });

  it('shows nothing for no runs, and only metrics for one run', () => {
    expect(defaultColumns([])).toEqual([]);
    expect(defaultColumns([run({ lr: '0.1' }, ['accuracy', 'auc'])])).toEqual(['metrics.auc', 'metrics.accuracy']);
  });
});
