import { Link } from 'react-router';
import { formatTime } from '../../layout/status';
import type { Retraining } from './types';

const TONE: Readonly<Record<string, string>> = { ok: 'good', succeeded: 'good', failed: 'bad', skipped: 'warn', pending: '', queued: '', running: '' };

/** Each retraining with its chain of causes: alert → trigger → data → run → evaluation → canary → promotion. */
export function RetrainingChains({ items }: { items: readonly Retraining[] }) {
  if (items.length === 0) return <p className="muted">No retrainings yet.</p>;
  return (
    <>
      {items.map((r) => (
        <article key={r.id} className="chain" aria-label={`Retraining ${r.id}`}>
          <h3>
            {r.pipeline} → {r.model}{r.version !== undefined ? ` v${r.version}` : ''} <span className={`badge ${TONE[r.status] ?? ''}`}>{r.status}</span>{' '}
            <small className="muted">{formatTime(r.createdAt)}{r.reason ? ` — ${r.reason}` : ''}</small>
          </h3>
          <ol className="chain-links">
            {r.chain.map((link) => (
              <li key={link.step} className={`chain-link ${TONE[link.status] ?? ''}`}>
                <strong>{link.step}</strong> <span className={`badge ${TONE[link.status] ?? ''}`}>{link.status}</span>
                <div>{link.detail}</div>
                {link.runId ? <div><Link to={`/runs/${link.runId}`}>run {link.runId.slice(0, 8)}</Link></div> : null}
                {link.events?.length ? <ul className="muted">{link.events.map((e) => <li key={`${e.deployment}-${e.at}-${e.kind}`}>{formatTime(e.at)} {e.deployment}: {e.kind} by {e.actor}{e.reason ? ` — ${e.reason}` : ''}</li>)}</ul> : null}
              </li>
            ))}
          </ol>
        </article>
      ))}
    </>
  );
}
