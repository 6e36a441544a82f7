import { Link } from 'react-router';
import { formatTime } from '../../layout/status';
import { deploymentRoles } from './deployment-roles';
import type { AuditEvent } from './model-types';

/** The registry's audit log: alias moves, promotions, registrations, newest first. */
export function AuditTable({ events, label }: { events: readonly AuditEvent[]; label: string }) {
  if (events.length === 0) return <p className="muted">Nothing recorded yet.</p>;
  const newestFirst = [...events].sort((a, b) => b.timestamp - a.timestamp || b.id - a.id);
  return (
    <table className="grid" aria-label={label}>
      <thead>
        <tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Version</th><th scope="col">Alias</th><th scope="col">Change</th><th scope="col">Actor</th><th scope="col">Reason</th></tr>
      </thead>
      <tbody>
        {newestFirst.map((e) => (
          <tr key={e.id} data-action={e.action}>
            <td>{formatTime(e.timestamp)}</td>
            <td><code>{e.action}</code></td>
            <td>{e.version !== undefined ? <VersionLink model={e.model} version={String(e.version)} /> : e.deployment ? <DeploymentVersions event={e} /> : '—'}</td>
            <td>{e.alias ? `@${e.alias}` : e.deployment ? <>deployment <Link to={`/deployments/${encodeURIComponent(e.deployment)}`}>{e.deployment}</Link></> : '—'}</td>
            <td>{e.from !== undefined || e.to !== undefined ? `${e.from ?? '∅'} → ${e.to ?? '∅'}` : '—'}</td>
            <td>{e.actor}</td>
            <td className="reason">{e.reason ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function VersionLink({ model, version }: { model: string; version: string }) {
  return /^\d+$/.test(version) ? <Link to={`/models/${encodeURIComponent(model)}/versions/${version}`}>v{version}</Link> : <>v{version}</>;
}

/** A deployment event's versions by role, as it left them (`stable v1 → v2`, `canary v3 25% → 50%`). */
function DeploymentVersions({ event }: { event: AuditEvent }) {
  const roles = deploymentRoles(event.from, event.to);
  if (roles.length === 0) return <>—</>;
  return (
    <ul className="deployment-versions" aria-label={`Versions of deployment ${event.deployment ?? ''}`}>
      {roles.map((r) => (
        <li key={`${r.role} ${r.version}`} className={r.change === 'removed' ? 'muted' : undefined}>
          {r.role} {r.before !== undefined && r.before !== r.version ? <><VersionLink model={event.model} version={r.before} /> → </> : null}
          <VersionLink model={event.model} version={r.version} />
          {r.percent !== undefined ? ` ${r.percentBefore !== undefined && r.percentBefore !== r.percent ? `${r.percentBefore}% → ` : ''}${r.percent}%` : ''}
          {r.change === 'removed' ? ' removed' : ''}
        </li>
      ))}
    </ul>
  );
}
