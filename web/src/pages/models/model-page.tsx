import { Link, useParams } from 'react-router';
import { useApi } from '../../api/use-api';
import { formatTime, Loaded } from '../../layout/status';
import { AliasBadges } from './alias-badges';
import { AuditTable } from './audit-table';
import type { AuditEvent, ModelVersion, Page, RegisteredModel } from './model-types';
import './models.css';

/** One registered model: its aliases, versions (newest first) and audit log. */
export function ModelPage() {
  const name = useParams().name!;
  const model = useApi<RegisteredModel>('/api/v1/models/{name}', { params: { name } });
  const versions = useApi<Page<ModelVersion>>('/api/v1/models/{name}/versions', { params: { name } });
  const audit = useApi<{ events: AuditEvent[] }>('/api/v1/models/{name}/audit', { params: { name } });
  return (
    <div className="page-body">
      <p className="muted"><Link to="/models">Models</Link> /</p>
      <h1>{name}</h1>
      <Loaded state={model} what={`model ${name}`}>
        {(m) => (
          <section className="panel">
            <dl className="facts">
              <dt>Aliases</dt><dd><AliasBadges model={m.name} aliases={m.aliases} /></dd>
              <dt>Created</dt><dd>{formatTime(m.creationTimestamp)}</dd>
              <dt>Updated</dt><dd>{formatTime(m.lastUpdatedTimestamp)}</dd>
              {m.description ? <><dt>Description</dt><dd>{m.description}</dd></> : null}
            </dl>
          </section>
        )}
      </Loaded>
      <h2>Versions</h2>
      <Loaded state={versions} what="versions">
        {({ items }) => (
          <table className="grid" aria-label={`Versions of ${name}`}>
            <thead>
              <tr><th scope="col">Version</th><th scope="col">Aliases</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Run</th><th scope="col">Source</th></tr>
            </thead>
            <tbody>
              {items.map((v) => (
                <tr key={v.version}>
                  <td><Link to={`/models/${encodeURIComponent(name)}/versions/${v.version}`}>v{v.version}</Link></td>
                  <td>{v.aliases.length ? v.aliases.map((a) => <span key={a} className="badge alias">@{a}</span>) : <span className="muted">—</span>}</td>
                  <td><span className={`badge ${v.status === 'READY' ? 'good' : v.status === 'FAILED_REGISTRATION' ? 'bad' : 'warn'}`}>{v.status.toLowerCase().replace('_', ' ')}</span></td>
                  <td>{formatTime(v.creationTimestamp)}</td>
                  <td>{v.runId ? <Link to={`/runs/${v.runId}`}><code>{v.runId.slice(0, 8)}</code></Link> : '—'}</td>
                  <td><code>{v.source}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
      <h2>Audit log</h2>
      <Loaded state={audit} what="the audit log">
        {({ events }) => <AuditTable events={events} label={`Audit log of ${name}`} />}
      </Loaded>
    </div>
  );
}
