/**
 * Experiments and their runs: pick an experiment, filter and sort its runs on the server with
 * the API's search syntax, choose the param and metric columns (remembered per experiment),
 * select runs and compare them.
 */
import './experiments.css';
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useApi } from '../../api/use-api';
import { Loaded } from '../../layout/status';
import type { Experiment, Page } from '../runs/run-model';
import { ColumnChooser } from './column-chooser';
import { FIXED_COLUMNS, loadChosenColumns, metricColumn, orderByOf, paramColumn, saveChosenColumns, tagColumn, type Column } from './columns';
import { defaultColumns } from './default-columns';
import { RunsTable, type Sort } from './runs-table';
import { useColumnKeys } from './use-column-keys';
import { useRunPages } from './use-run-pages';

/** Set once the runs table first shows rows (read by bench/ui.js). */
export const RUNS_RENDERED_MARK = 'paddock:runs-table-rendered';

export function ExperimentsPage() {
  const { experimentId } = useParams();
  const navigate = useNavigate();
  const experiments = useApi<Page<Experiment>>('/api/v1/experiments', { query: { max_results: 1000, order_by: 'creation_time DESC' } });
  const list = experiments.data?.items;
  useEffect(() => {
    if (experimentId === undefined && list && list.length > 0) void navigate(`/experiments/${list[0]!.experimentId}`, { replace: true });
  }, [experimentId, list, navigate]);
  return (
    <>
      <div className="toolbar">
        <h1 className="inline">Experiments</h1>
        <Loaded state={experiments} what="experiments">
          {(page) => (
            <label>
              Experiment{' '}
              <select value={experimentId ?? ''} onChange={(e) => void navigate(`/experiments/${e.target.value}`)}>
                {experimentId === undefined && <option value="">—</option>}
                {page.items.map((x) => <option key={x.experimentId} value={x.experimentId}>{x.name}</option>)}
              </select>
            </label>
          )}
        </Loaded>
      </div>
      {list && list.length === 0 && <p className="muted">No experiments yet: log a run with the SDK, the MLflow client or `paddock repro`.</p>}
      {experimentId !== undefined && <ExperimentRuns key={experimentId} experimentId={experimentId} />}
    </>
  );
}

function ExperimentRuns({ experimentId }: { experimentId: string }) {
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const filter = search.get('filter') ?? '';
  const sort: Sort | undefined = search.get('order') ? { column: search.get('order')!, descending: search.get('desc') !== '0' } : undefined;
  const [draft, setDraft] = useState(filter);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [chosen, setChosen] = useState<string[] | undefined>(() => loadChosenColumns(experimentId));

  const sortColumn = sort ? columnOf(sort.column) : undefined;
  const pages = useRunPages(experimentId, filter, sortColumn && sort ? orderByOf(sortColumn, sort.descending) : undefined);
  const knownKeys = useColumnKeys(experimentId, pages.runs, pages.runs.length > 0 || pages.complete);
  // Without a saved choice: what tells the first loaded runs apart, kept as more pages load so columns do not jump.
  const [defaults, setDefaults] = useState<string[]>();
  if (defaults === undefined && pages.runs.length > 0) setDefaults(defaultColumns(pages.runs));
  const columnIds = chosen ?? defaults ?? [];
  const columns = useMemo(() => [...FIXED_COLUMNS, ...columnIds.map(columnOf).filter((c): c is Column => c !== undefined)], [columnIds]);

  const choose = (ids: string[]) => {
    setChosen(ids);
    saveChosenColumns(experimentId, ids);
  };
  const onSort = (column: Column) => {
    const next = new URLSearchParams(search);
    const descending = sort?.column === column.id ? !sort.descending : column.kind === 'metric';
    next.set('order', column.id);
    next.set('desc', descending ? '1' : '0');
    setSearch(next, { replace: true });
  };
  const applyFilter = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams(search);
    if (draft.trim()) next.set('filter', draft.trim());
    else next.delete('filter');
    setSearch(next, { replace: true });
  };
  const toggle = useCallback((id: string) => setSelected((s) => {
    const next = new Set(s);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  }), []);
  const toggleAll = (on: boolean) => setSelected(on ? new Set(pages.runs.map((r) => r.info.runId)) : new Set());
  const onRendered = useCallback(() => {
    if (performance.getEntriesByName(RUNS_RENDERED_MARK).length === 0) performance.mark(RUNS_RENDERED_MARK);
  }, []);

  return (
    <>
      <div className="toolbar">
        <form className="filter" onSubmit={applyFilter} role="search">
          <label htmlFor="run-filter" className="visually-hidden">Filter runs</label>
          <input id="run-filter" type="search" value={draft} onChange={(e) => setDraft(e.target.value)} placeholder="metrics.auc > 0.8 and params.model = 'mlp'" aria-describedby="filter-help" size={50} />
          <button type="submit">Filter</button>
          <span id="filter-help" className="muted">Search syntax as the API: metrics.*, params.*, tags.*, attributes.*; and, or, ( )</span>
        </form>
        <ColumnChooser keys={knownKeys} chosen={columnIds} onChange={choose} />
        <button type="button" className="primary" disabled={selected.size < 2} onClick={() => void navigate(`/compare?runs=${[...selected].join(',')}`)}>
          Compare ({selected.size})
        </button>
      </div>
      {pages.error && <p role="alert" className="error">{pages.error.message}</p>}
      <p className="muted" data-testid="runs-count" aria-live="polite">
        {pages.runs.length.toLocaleString()} runs{pages.complete ? '' : ' loaded, more on scroll'}{pages.loading ? ' · loading…' : ''}
      </p>
      <RunsTable runs={pages.runs} columns={columns} sort={sort} onSort={onSort} selected={selected} onToggle={toggle} onToggleAll={toggleAll} onNearEnd={pages.more} onRendered={onRendered} />
      {!pages.loading && pages.runs.length === 0 && !pages.error && <p className="muted">No runs{filter ? ' match this filter' : ' in this experiment yet'}.</p>}
    </>
  );
}

function columnOf(id: string): Column | undefined {
  const fixed = FIXED_COLUMNS.find((c) => c.id === id);
  if (fixed) return fixed;
  if (id.startsWith('params.')) return paramColumn(id.slice('params.'.length));
  if (id.startsWith('metrics.')) return metricColumn(id.slice('metrics.'.length));
  if (id.startsWith('tags.')) return tagColumn(id.slice('tags.'.length));
  return undefined;
}
