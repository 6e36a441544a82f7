import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, ApiError } from '../../api/client';
import { useApi } from '../../api/use-api';
import { canWrite } from '../../auth/session';
import { useWho } from '../../auth/who-context';
import { formatTime, Loaded } from '../../layout/status';
import { CanaryAnalysisSteps, DeploymentHistory } from './deployment-history';
import { TrafficSplit } from './traffic-split';
import type { Deployment, DeploymentEvent, DeploymentStats } from './types';
import { ShadowAgreement, VariantTable } from './variant-table';

const POLL_MS = 3000;
const WINDOWS = ['60s', '5m', '15m', '1h'] as const;

/** One deployment, live: its split, traffic per variant, shadow agreement, canary analysis and history; Promote / Rollback for writers. */
export function DeploymentPage() {
  const name = useParams().name!;
  const [span, setSpan] = useState<(typeof WINDOWS)[number]>('60s');
  const deployment = useApi<Deployment>('/api/v1/deployments/{name}', { params: { name } }, POLL_MS);
  const stats = useApi<DeploymentStats>('/api/v1/deployments/{name}/stats', { params: { name }, query: { window: span } }, POLL_MS);
  const history = useApi<{ events: DeploymentEvent[] }>('/api/v1/deployments/{name}/history', { params: { name } }, POLL_MS);
  const reload = () => {
    deployment.reload();
    stats.reload();
    history.reload();
  };
  return (
    <>
      <p className="muted"><Link to="/deployments">Deployments</Link> / {name}</p>
      <Loaded state={deployment} what={`deployment ${name}`}>
        {(d) => (
          <>
            <div className="toolbar">
              <h1 className="grow">{d.name}</h1>
              <Actions deployment={d} onDone={reload} />
            </div>
            <section className="panel" aria-labelledby="split-h">
              <h2 id="split-h">Traffic split</h2>
              <dl className="facts">
                <dt>Model</dt><dd><Link to={`/models/${encodeURIComponent(d.model)}`}>{d.model}</Link></dd>
                <dt>Stable</dt><dd data-testid="stable-version">v{d.policy.stable}</dd>
                <dt>Revision</dt><dd>{d.revision} (updated {formatTime(d.updatedAt)})</dd>
                <dt>Sticky</dt><dd>{d.policy.sticky ? ('header' in d.policy.sticky ? `header ${d.policy.sticky.header}` : `column ${d.policy.sticky.column}`) : 'no'}</dd>
                <dt>Analysis</dt><dd>{d.analysis ? `automatic, steps ${String((d.analysis.stepWeights as number[] | undefined)?.join(' → ') ?? '')}` : 'off'}</dd>
              </dl>
              <TrafficSplit policy={d.policy} label="Traffic split" />
            </section>
            <section className="panel" aria-labelledby="live-h">
              <div className="toolbar">
                <h2 id="live-h" className="grow">Live traffic per variant</h2>
                <label>
                  Window{' '}
                  <select value={span} onChange={(e) => setSpan(e.target.value as (typeof WINDOWS)[number])}>
                    {WINDOWS.map((w) => <option key={w} value={w}>last {w}</option>)}
                  </select>
                </label>
              </div>
              <Loaded state={stats} what="traffic">{(s) => <VariantTable stats={s} />}</Loaded>
            </section>
            <section className="panel" aria-labelledby="shadow-h">
              <h2 id="shadow-h">Shadow agreement</h2>
              <Loaded state={stats} what="shadow agreement">{(s) => <ShadowAgreement stats={s} mirrored={d.policy.mirror !== undefined} />}</Loaded>
            </section>
          </>
        )}
      </Loaded>
      <section className="panel" aria-labelledby="analysis-h">
        <h2 id="analysis-h">Canary analysis</h2>
        <Loaded state={history} what="canary analysis">{(h) => <CanaryAnalysisSteps events={h.events} />}</Loaded>
      </section>
      <section className="panel" aria-labelledby="history-h">
        <h2 id="history-h">History</h2>
        <Loaded state={history} what="history">{(h) => <DeploymentHistory events={h.events} />}</Loaded>
      </section>
    </>
  );
}

/** Promote (the first canary becomes stable) and Rollback (back to the previous stable); shown to writers only. */
function Actions({ deployment, onDone }: { deployment: Deployment; onDone: () => void }) {
  const who = useWho();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>();
  if (!canWrite(who)) return <span className="muted">Read-only: promoting and rolling back need the writer role.</span>;
  const run = async (action: 'promote' | 'rollback') => {
    setBusy(true);
    setMessage(undefined);
    try {
      const path = action === 'promote' ? '/api/v1/deployments/{name}/promote' : '/api/v1/deployments/{name}/rollback';
      const after = await api<Deployment>('POST', path, { params: { name: deployment.name }, body: { expectedRevision: deployment.revision, reason: `${action} from the web UI` } });
      setMessage({ text: `${action === 'promote' ? 'Promoted' : 'Rolled back'}: stable is now v${after.policy.stable} (revision ${after.revision}).`, error: false });
      onDone();
    } catch (err) {
      setMessage({ text: err instanceof ApiError ? `${err.code}: ${err.message}` : String(err), error: true });
    } finally {
      setBusy(false);
    }
  };
  const hasCanary = deployment.policy.candidates.length > 0;
  return (
    <div className="toolbar actions">
      <button type="button" className="primary" disabled={busy || !hasCanary} title={hasCanary ? `Make v${deployment.policy.candidates[0]!.version} stable` : 'No canary to promote'} onClick={() => void run('promote')}>Promote</button>
      <button type="button" className="danger" disabled={busy} onClick={() => void run('rollback')}>Rollback</button>
      {message ? <span role={message.error ? 'alert' : 'status'} className={message.error ? 'error' : 'good'}>{message.text}</span> : null}
    </div>
  );
}
