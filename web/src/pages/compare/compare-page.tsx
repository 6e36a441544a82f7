/**
 * Compare runs (/compare?runs=a,b,c): a diff table of params, data inputs and final metrics
 * (rows that differ highlighted, or shown alone; two runs of one pipeline often differ only in
 * the data they read), overlaid metric charts, and a parallel-coordinates plot
 * of the params against a chosen metric.
 */
import '../runs/runs.css';
import '../experiments/experiments.css';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { apiGet } from '../../api/client';
import { ParallelCoordinates } from '../../charts/parallel-coordinates';
import { colorAt } from '../../charts/palette';
import { formatNumber, formatTime } from '../../layout/status';
import { metricValue, paramValue, runLabel, type Run } from '../runs/run-model';
import { OverlaidCharts } from './overlaid-charts';

export function ComparePage() {
  const [search] = useSearchParams();
  const ids = (search.get('runs') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const key = ids.join(',');
  const [runs, setRuns] = useState<readonly Run[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    const controller = new AbortController();
    setRuns(undefined);
    Promise.all(key.split(',').filter(Boolean).map((id) => apiGet<Run>('/api/v1/runs/{id}', { params: { id }, signal: controller.signal })))
      .then(setRuns)
      .catch((e: unknown) => !controller.signal.aborted && setError(e instanceof Error ? e.message : String(e)));
    return () => controller.abort();
  }, [key]);

  if (ids.length < 2) return <p role="alert">Pick two or more runs to compare on the <Link to="/experiments">Experiments</Link> page.</p>;
  if (error) return <p role="alert" className="error">Could not load the runs: {error}</p>;
  if (!runs) return <p className="muted" aria-busy="true">Loading {ids.length} runs…</p>;
  return <CompareView runs={runs} />;
}

function CompareView({ runs }: { runs: readonly Run[] }) {
  const params = [...new Set(runs.flatMap((r) => r.data.params.map((p) => p.key)))].sort();
  const metrics = [...new Set(runs.flatMap((r) => r.data.metrics.map((m) => m.key)))].sort();
  const inputs = [...new Set(runs.flatMap((r) => r.inputs.map((d) => d.name)))].sort();
  const [onlyDiffs, setOnlyDiffs] = useState(false);
  const [target, setTarget] = useState(metrics[0] ?? '');
  const rows = [
    ...params.map((k) => ({ kind: 'param' as const, key: k, values: runs.map((r) => paramValue(r, k)) })),
    // A data input's version: the first 12 characters of its digest (an md5 for DVC-tracked data).
    ...inputs.map((k) => ({ kind: 'data' as const, key: k, values: runs.map((r) => r.inputs.find((d) => d.name === k)?.digest.slice(0, 12)) })),
    ...metrics.map((k) => ({ kind: 'metric' as const, key: k, values: runs.map((r) => metricValue(r, k)) })),
  ].map((row) => ({ ...row, differs: new Set(row.values.map((v) => (v === undefined ? '\u0000' : String(v)))).size > 1 }));
  const shown = onlyDiffs ? rows.filter((r) => r.differs) : rows;
  const varying = params.filter((k) => rows.find((r) => r.kind === 'param' && r.key === k)?.differs);
  return (
    <>
      <h1>Compare {runs.length} runs</h1>
      <section className="panel" aria-labelledby="diff-h">
        <div className="toolbar">
          <h2 id="diff-h" className="inline">Params, data inputs and final metrics</h2>
          <label><input type="checkbox" checked={onlyDiffs} onChange={(e) => setOnlyDiffs(e.target.checked)} /> Only differences</label>
          <span className="muted">{rows.filter((r) => r.differs).length} of {rows.length} differ</span>
        </div>
        <div className="scroll-x">
          <table className="grid diff-table" aria-label="Differences">
            <thead>
              <tr>
                <th>key</th>
                {runs.map((r, i) => <th key={r.info.runId}><span className="swatch" style={{ background: colorAt(i) }} aria-hidden="true" /><Link to={`/runs/${r.info.runId}`}>{runLabel(r)}</Link><div className="muted run-started">{formatTime(r.info.startTime)}</div></th>)}
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => (
                <tr key={`${row.kind}.${row.key}`} className={row.differs ? 'differs' : undefined} data-differs={row.differs ? 'true' : 'false'}>
                  <th scope="row"><span className="muted">{row.kind} </span>{row.key}</th>
                  {row.values.map((v, i) => <td key={i} className={row.kind === 'metric' ? 'num' : undefined}>{row.kind === 'metric' ? formatNumber(v) : row.kind === 'data' && v !== undefined ? <code>{v}</code> : (v ?? '—')}</td>)}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="panel" aria-labelledby="overlay-h">
        <h2 id="overlay-h">Metrics over time</h2>
        <OverlaidCharts runs={runs} keys={metrics} />
      </section>

      <section className="panel" aria-labelledby="pc-h">
        <div className="toolbar">
          <h2 id="pc-h" className="inline">Params against a metric</h2>
          <label>
            Metric{' '}
            <select aria-label="Metric to plot against" value={target} onChange={(e) => setTarget(e.target.value)}>
              {metrics.map((m) => <option key={m} value={m}>{m}</option>)}
            </select>
          </label>
          <span className="muted">{varying.length ? `axes: the ${varying.length} params that differ` : 'no param differs: every param shown'}</span>
        </div>
        {metrics.length === 0 ? <p className="muted">No metrics logged.</p> : (
          <ParallelCoordinates
            title={`Parallel coordinates of params against ${target}`}
            items={runs.map((r) => ({ id: r.info.runId, label: runLabel(r) }))}
            dimensions={[
              ...(varying.length ? varying : params).slice(0, 12).map((k) => ({ name: k, values: runs.map((r) => paramValue(r, k)) })),
              { name: target, values: runs.map((r) => metricValue(r, target)) },
            ]}
          />
        )}
      </section>
    </>
  );
}
