/**
 * The runs table: a real <table> whose rows are virtualised (only the visible ones, plus a few,
 * are in the DOM; spacer rows keep the scroll height), so 10,000 runs scroll smoothly. Header
 * buttons ask the server for another order; scrolling near the end asks for the next page.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import { Link } from 'react-router';
import { formatNumber, formatTime } from '../../layout/status';
import { runLabel, type Run } from '../runs/run-model';
import { cellValue, type Column } from './columns';

export interface Sort {
  readonly column: string;
  readonly descending: boolean;
}

export interface RunsTableProps {
  readonly runs: readonly Run[];
  readonly columns: readonly Column[];
  readonly sort: Sort | undefined;
  readonly onSort: (column: Column) => void;
  readonly selected: ReadonlySet<string>;
  readonly onToggle: (runId: string) => void;
  readonly onToggleAll: (select: boolean) => void;
  readonly onNearEnd: () => void;
  /** Called once the first rows are in the DOM (the page marks the time for the benchmark). */
  readonly onRendered?: () => void;
}

const ROW_HEIGHT = 33;

export function RunsTable({ runs, columns, sort, onSort, selected, onToggle, onToggleAll, onNearEnd, onRendered }: RunsTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: runs.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const last = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (runs.length > 0 && last >= runs.length - 60) onNearEnd();
  }, [last, runs.length, onNearEnd]);
  const rendered = useRef(onRendered);
  rendered.current = onRendered;
  const hasRows = items.length > 0;
  useEffect(() => {
    if (hasRows) rendered.current?.();
  }, [hasRows]);

  const top = items[0]?.start ?? 0;
  const bottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  const allSelected = runs.length > 0 && runs.every((r) => selected.has(r.info.runId));
  const span = columns.length + 1;
  return (
    <div ref={scroller} className="runs-scroller" data-testid="runs-scroller">
      <table className="grid runs-table" aria-label="Runs" aria-rowcount={runs.length + 1}>
        <thead>
          <tr>
            <th className="select">
              <input type="checkbox" aria-label="Select all loaded runs" checked={allSelected} onChange={(e) => onToggleAll(e.target.checked)} />
            </th>
            {columns.map((c) => {
              const active = sort?.column === c.id;
              return (
                <th key={c.id} className={c.kind === 'metric' ? 'num' : undefined} aria-sort={active ? (sort.descending ? 'descending' : 'ascending') : 'none'} title={c.id}>
                  <button type="button" className="sort" onClick={() => onSort(c)} aria-label={`Sort by ${c.kind === 'attribute' ? c.label : c.id}`}>
                    {c.kind !== 'attribute' && <span className="muted kind">{c.kind === 'param' ? 'param ' : c.kind === 'tag' ? 'tag ' : 'metric '}</span>}
                    {c.label}
                    <span aria-hidden="true">{active ? (sort.descending ? ' ▼' : ' ▲') : ''}</span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {top > 0 && <tr aria-hidden="true" style={{ height: top }}><td colSpan={span} /></tr>}
          {items.map((item) => {
            const run = runs[item.index]!;
            const id = run.info.runId;
            return (
              <tr key={id} data-run-id={id} aria-rowindex={item.index + 2} className={selected.has(id) ? 'selected' : undefined} style={{ height: ROW_HEIGHT }}>
                <td className="select">
                  <input type="checkbox" aria-label={`Select run ${runLabel(run)}`} checked={selected.has(id)} onChange={() => onToggle(id)} />
                </td>
                {columns.map((c) => <Cell key={c.id} run={run} column={c} />)}
              </tr>
            );
          })}
          {bottom > 0 && <tr aria-hidden="true" style={{ height: bottom }}><td colSpan={span} /></tr>}
        </tbody>
      </table>
    </div>
  );
}

function Cell({ run, column }: { run: Run; column: Column }) {
  if (column.key === 'run_name' && column.kind === 'attribute') return <td><Link to={`/runs/${run.info.runId}`}>{runLabel(run)}</Link></td>;
  if (column.key === 'status' && column.kind === 'attribute') return <td><span className={`badge ${statusClass(run.info.status)}`}>{run.info.status}</span></td>;
  if (column.key === 'start_time' && column.kind === 'attribute') return <td>{formatTime(run.info.startTime)}</td>;
  const value = cellValue(run, column);
  if (column.kind === 'metric') return <td className="num">{formatNumber(value)}</td>;
  return <td className="param" title={value === undefined ? undefined : String(value)}>{value ?? '—'}</td>;
}

export function statusClass(status: string): string {
  return status === 'FINISHED' ? 'good' : status === 'FAILED' || status === 'KILLED' ? 'bad' : 'warn';
}
