import { Link, useParams } from 'react-router';
import { useApi } from '../../api/use-api';
import { formatNumber, formatTime, Loaded } from '../../layout/status';
import { AuditTable } from './audit-table';
import { LineageGraph } from './lineage-graph';
import type { AuditEvent, Lineage, ModelVersion } from './model-types';
import './models.css';

/** One model version: its facts, lineage back to run, data and commit, and its audit events. */
export function VersionPage() {
  const { name = '', version = '' } = useParams();
  const ids = { name, version };
  const mv = useApi<ModelVersion>('/api/v1/models/{name}/versions/{version}', { params: ids });
  const lineage = useApi<Lineage>('/api/v1/models/{name}/versions/{version}/lineage', { params: ids });
  const audit = useApi<{ events: AuditEvent[] }>('/api/v1/models/{name}/audit', { params: { name } });
  return (
    <div className="page-body">
      <p className="muted"><Link to="/models">Models</Link> / <Link to={`/models/${encodeURIComponent(name)}`}>{name}</Link> /</p>
      <h1>{name} version {version}</h1>
      <Loaded state={mv} what={`${name} version ${version}`}>
        {(v) => (
          <section className="panel">
            <dl className="facts">
              <dt>Aliases</dt><dd>{v.aliases.length ? v.aliases.map((a) => <span key={a} className="badge alias">@{a}</span>) : '—'}</dd>
              <dt>Status</dt><dd>{v.status}</dd>
              <dt>Registered</dt><dd>{formatTime(v.creationTimestamp)}</dd>
              <dt>Source</dt><dd><code>{v.source}</code></dd>
              <dt>Run</dt><dd>{v.runId ? <Link to={`/runs/${v.runId}`}><code>{v.runId}</code></Link> : 'none (registered without a run)'}</dd>
              {v.description ? <><dt>Description</dt><dd>{v.description}</dd></> : null}
            </dl>
          </section>
        )}
      </Loaded>
      <section className="panel" aria-labelledby="lineage-title">
        <h2 id="lineage-title">Lineage</h2>
        <Loaded state={lineage} what="the lineage">
          {(l) => (
            <>
              <LineageGraph lineage={l} />
              {l.inputs.length > 0 ? (
                <p className="toolbar">Data: {l.inputs.map((i) => <Link key={`${i.name}:${i.digest}`} to={`/data?path=${encodeURIComponent(i.source || i.name)}`}>{i.source || i.name} <code>{i.digest.slice(0, 8)}</code></Link>)}</p>
              ) : null}
              <div className="model-columns">
                <KeyValues title="Params" values={l.params} />
                <KeyValues title="Metrics" values={l.metrics} />
              </div>
            </>
          )}
        </Loaded>
      </section>
      <h2>Audit log of this version</h2>
      <Loaded state={audit} what="the audit log">
        {({ events }) => <AuditTable events={events.filter((e) => String(e.version) === version)} label={`Audit log of ${name} version ${version}`} />}
      </Loaded>
    </div>
  );
}

function KeyValues({ title, values }: { title: string; values: Readonly<Record<string, string | number>> }) {
  const entries = Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
  return (
    <div>
      <h3>{title}</h3>
      {entries.length === 0 ? <p className="muted">None recorded.</p> : (
        <table className="grid kv" aria-label={title}>
          <tbody>
            {entries.map(([k, v]) => <tr key={k}><th scope="row">{k}</th><td className="num">{typeof v === 'number' ? formatNumber(v) : v}</td></tr>)}
          </tbody>
        </table>
      )}
    </div>
  );
}
