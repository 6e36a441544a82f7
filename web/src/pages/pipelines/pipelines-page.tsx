import { useSearchParams, Link } from 'react-router';
import { useApi } from '../../api/use-api';
import { DagGraph } from '../../graph/dag-graph';
import { formatTime, Loaded } from '../../layout/status';
import { STATE_TONE, type Pipeline, type PipelineStage, type StageLog } from './pipeline-types';
import './pipelines.css';

/**
 * Pipelines: the DAG of dvc.yaml with each stage's status (polled, so running stages show as
 * they run), the selected stage's definition and why it is changed, and its last run's log.
 */
export function PipelinesPage() {
  const state = useApi<Pipeline>('/api/v1/pipeline', {}, 3000);
  const [search, setSearch] = useSearchParams();
  return (
    <div className="page-body">
      <h1>Pipelines</h1>
      <Loaded state={state} what="the pipeline">
        {(pipeline) => {
          if (pipeline.stages.length === 0) return <p className="muted">No stages: write a dvc.yaml (see <code>paddock stage add</code>) and they show here.</p>;
          const chosen = pipeline.stages.find((s) => s.name === search.get('stage')) ?? pipeline.stages.find((s) => s.state === 'failed') ?? pipeline.stages[0]!;
          const select = (name: string) => setSearch({ stage: name }, { replace: true });
          return (
            <>
              <Summary stages={pipeline.stages} />
              <section className="panel" aria-labelledby="dag-title">
                <h2 id="dag-title">Stages</h2>
                <DagGraph
                  label="Pipeline stages"
                  nodes={pipeline.stages.map((s) => ({ id: s.name, label: s.name, detail: s.state, tone: STATE_TONE[s.state], description: `Stage ${s.name}: ${s.state}` }))}
                  edges={pipeline.edges}
                  selected={chosen.name}
                  onActivate={select}
                />
              </section>
              <div className="pipeline-columns">
                <StageTable stages={pipeline.stages} selected={chosen.name} onSelect={select} />
                <StageDetail stage={chosen} />
              </div>
              <StageLogPanel stage={chosen} />
            </>
          );
        }}
      </Loaded>
    </div>
  );
}

function Summary({ stages }: { stages: readonly PipelineStage[] }) {
  const counts = (['up to date', 'changed', 'running', 'failed'] as const).map((st) => [st, stages.filter((s) => s.state === st).length] as const).filter(([, n]) => n > 0);
  return (
    <p className="toolbar" aria-label="Pipeline summary">
      {stages.length} stages:
      {counts.map(([st, n]) => <span key={st} className={`badge ${STATE_TONE[st]}`}>{n} {st}</span>)}
    </p>
  );
}

function StageTable({ stages, selected, onSelect }: { stages: readonly PipelineStage[]; selected: string; onSelect: (name: string) => void }) {
  return (
    <table className="grid" aria-label="Stage status">
      <thead>
        <tr><th scope="col">Stage</th><th scope="col">Status</th><th scope="col">Last run</th></tr>
      </thead>
      <tbody>
        {stages.map((s) => (
          <tr key={s.name} className={s.name === selected ? 'selected-row' : undefined} data-stage={s.name}>
            <td><button type="button" className="link" onClick={() => onSelect(s.name)} aria-pressed={s.name === selected}>{s.name}</button></td>
            <td><span className={`badge ${STATE_TONE[s.state]}`}>{s.state}</span></td>
            <td>{s.lastRun}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function StageDetail({ stage }: { stage: PipelineStage }) {
  return (
    <section className="panel stage-detail" aria-label={`Stage ${stage.name}`}>
      <h2>{stage.name} <span className={`badge ${STATE_TONE[stage.state]}`}>{stage.state}</span>{stage.frozen ? <span className="badge">frozen</span> : null}</h2>
      {stage.desc ? <p>{stage.desc}</p> : null}
      <dl className="facts">
        <dt>Defined in</dt><dd><code>{stage.file}</code></dd>
        <dt>Command</dt><dd>{stage.cmd.map((c) => <code key={c} className="cmd">{c}</code>)}</dd>
        <dt>Depends on</dt><dd>{stage.deps.length ? stage.deps.map((d) => <code key={d} className="chip">{d}</code>) : '—'}</dd>
        <dt>Params</dt><dd>{stage.params.length ? stage.params.map((p) => <code key={p} className="chip">{p}</code>) : '—'}</dd>
        <dt>Outputs</dt>
        <dd>{stage.outs.length ? stage.outs.map((o) => <Link key={o.path} className="chip" to={`/data?path=${encodeURIComponent(o.path)}`}><code>{o.path}</code>{o.kind !== 'outs' ? ` (${o.kind})` : ''}</Link>) : '—'}</dd>
        {stage.reasons.length ? <><dt>Why changed</dt><dd><ul className="reasons">{stage.reasons.map((r) => <li key={r}>{r}</li>)}</ul></dd></> : null}
      </dl>
    </section>
  );
}

function StageLogPanel({ stage }: { stage: PipelineStage }) {
  const log = useApi<StageLog>('/api/v1/pipeline/stages/{name}/log', { params: { name: stage.name } }, stage.state === 'running' ? 2000 : undefined);
  return (
    <section className="panel" aria-labelledby="log-title">
      <h2 id="log-title">Last run of {stage.name}</h2>
      <Loaded state={log} what="the log">
        {(l) => l.state === 'never run' ? (
          <p className="muted">This stage has not run yet: <code>paddock repro {stage.name}</code> runs it.</p>
        ) : (
          <>
            <p className="muted">
              {l.state}{l.modified ? `, ${formatTime(l.modified)}` : ''}{l.truncated ? ` (last ${Math.round(l.text.length / 1024)} KiB of ${Math.round(l.size / 1024)} KiB)` : ''}
            </p>
            <pre className="stage-log" aria-label={`Log of stage ${stage.name}`} tabIndex={0}>{l.text}</pre>
          </>
        )}
      </Loaded>
    </section>
  );
}
