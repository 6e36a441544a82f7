import { Link } from 'react-router';
import { formatTime } from '../../layout/status';
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
            <td>{e.version !== undefined ? <Link to={`/models/${encodeURIComponent(e.model)}/versions/${e.version}`}>v{e.version}</Link> : '—'}</td>
            <td>{e.alias ? `@${e.alias}` : e.deployment ? `deployment ${e.deployment}` : '—'}</td>
            <td>{e.from !== undefined || e.to !== undefined ? `${e.from ?? '∅'} → ${e.to ?? '∅'}` : '—'}</td>
            <td>{e.actor}</td>
            <td className="reason">{e.reason ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
