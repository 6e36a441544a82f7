/**
 * One run: where it came from (experiment, pipeline stage, git commit), its params, tags and
 * data inputs (linked to their data versions), metric charts and an artifacts browser.
 */
import './runs.css';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { ApiState } from '../../api/use-api';
import { formatNumber, formatTime, Loaded } from '../../layout/status';
import { statusClass } from '../experiments/runs-table';
import { ArtifactsBrowser } from './artifacts-browser';
import { MetricCharts } from './metric-charts';
import { loadRun, metricKeysOf } from './run-data';
import { runLabel, runSource, type Run } from './run-model';

export function RunPage() {
  const { runId = '' } = useParams();
  const run = useRun(runId);
  return <Loaded state={run} what="the run">{(r) => <RunView key={r.info.runId} run={r} />}</Loaded>;
}

/** The run, from the request the router's loader already started when there is one. */
function useRun(runId: string): ApiState<Run> {
  const [state, setState] = useState<{ runId: string; data?: Run; error?: Error }>({ runId });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    loadRun(runId)
      .then((data) => live && setState({ runId, data }))
      .catch((error: unknown) => live && setState({ runId, error: error instanceof Error ? error : new Error(String(error)) }));
    return () => {
      live = false;
    };
  }, [runId, tick]);
  const current = state.runId === runId ? state : { runId };
  return { data: current.data, error: current.error, loading: current.data === undefined && current.error === undefined, reload: () => setTick((t) => t + 1) };
}

function RunView({ run }: { run: Run }) {
  const { info, data } = run;
  const source = runSource(run);
  const metricKeys = metricKeysOf(run);
  const tags = Object.entries(data.tags).sort(([a], [b]) => a.localeCompare(b));
  return (
    <>
      <h1>
        Run {runLabel(run)} <span className={`badge ${statusClass(info.status)}`}>{info.status}</span>
      </h1>
      <div className="panel">
        <dl className="facts" aria-label="Run facts">
          <dt>Run id</dt><dd><code>{info.runId}</code></dd>
          <dt>Experiment</dt><dd><Link to={`/experiments/${info.experimentId}`}>{info.experimentId}</Link></dd>
          <dt>Started</dt><dd>{formatTime(info.startTime)}</dd>
          <dt>Ended</dt><dd>{formatTime(info.endTime)}{info.endTime ? ` (${duration(info.endTime - info.startTime)})` : ''}</dd>
          {info.userId && <><dt>User</dt><dd>{info.userId}</dd></>}
          <dt>Pipeline stage</dt><dd data-testid="run-stage">{source.stage ? <Link to="/pipelines">{source.stage}</Link> : <span className="muted">not from a pipeline</span>}</dd>
          <dt>Git commit</dt><dd data-testid="run-commit">{source.commit ? <><code>{source.commit.slice(0, 12)}</code>{source.dirty && <span className="badge warn"> uncommitted changes</span>}</> : <span className="muted">unknown</span>}</dd>
        </dl>
      </div>

      <div className="two-columns">
        <section className="panel" aria-labelledby="params-h">
          <h2 id="params-h">Params ({data.params.length})</h2>
          {data.params.length === 0 ? <p className="muted">None.</p> : (
            <table className="grid" aria-label="Params">
              <tbody>{[...data.params].sort((a, b) => a.key.localeCompare(b.key)).map((p) => <tr key={p.key}><th scope="row">{p.key}</th><td className="wrap">{p.value}</td></tr>)}</tbody>
            </table>
          )}
        </section>
        <section className="panel" aria-labelledby="metrics-h">
          <h2 id="metrics-h">Latest metrics ({metricKeys.length})</h2>
          {data.metrics.length === 0 ? <p className="muted">None.</p> : (
            <table className="grid" aria-label="Latest metrics">
              <thead><tr><th>metric</th><th className="num">value</th><th className="num">step</th></tr></thead>
              <tbody>{[...data.metrics].sort((a, b) => a.key.localeCompare(b.key)).map((m) => <tr key={m.key}><th scope="row">{m.key}</th><td className="num">{formatNumber(m.value)}</td><td className="num">{m.step}</td></tr>)}</tbody>
            </table>
          )}
        </section>
      </div>

      <section className="panel" aria-labelledby="inputs-h">
        <h2 id="inputs-h">Data inputs ({run.inputs.length})</h2>
        {run.inputs.length === 0 ? <p className="muted">None logged.</p> : (
          <table className="grid" aria-label="Data inputs">
            <thead><tr><th>name</th><th>version (md5)</th><th>source</th><th>context</th></tr></thead>
            <tbody>
              {run.inputs.map((d) => (
                <tr key={`${d.name}-${d.digest}`}>
                  <td><Link to={`/data?${new URLSearchParams({ path: d.source || d.name, md5: d.digest })}`}>{d.name}</Link></td>
                  <td><code>{d.digest.slice(0, 12)}</code></td>
                  <td>{d.sourceType}: {d.source}</td>
                  <td>{d.tags['mlflow.data.context'] ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel" aria-labelledby="charts-h">
        <h2 id="charts-h">Metric charts</h2>
        <MetricCharts runId={info.runId} keys={metricKeys} />
      </section>

      <section className="panel" aria-labelledby="artifacts-h">
        <h2 id="artifacts-h">Artifacts</h2>
        <ArtifactsBrowser runId={info.runId} />
      </section>

      <section className="panel" aria-labelledby="tags-h">
        <h2 id="tags-h">Tags ({tags.length})</h2>
        {tags.length === 0 ? <p className="muted">None.</p> : (
          <table className="grid" aria-label="Tags">
            <tbody>{tags.map(([k, v]) => <tr key={k}><th scope="row">{k}</th><td className="wrap">{v}</td></tr>)}</tbody>
          </table>
        )}
      </section>
    </>
  );
}

function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  const m = s / 60;
  return m < 120 ? `${m.toFixed(1)} min` : `${(m / 60).toFixed(1)} h`;
}
