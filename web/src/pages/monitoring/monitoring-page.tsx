import { Link } from 'react-router';
import { useApi } from '../../api/use-api';
import { Loaded } from '../../layout/status';
import type { Deployment } from '../deployments/types';
import { AlertsTable } from './alerts-table';
import { RetrainingChains } from './retraining-chains';
import type { Alert, Retraining } from './types';

/** Every deployment to monitor, the latest alerts and retrainings across them. */
export function MonitoringPage() {
  const deployments = useApi<{ items: Deployment[] }>('/api/v1/deployments');
  const alerts = useApi<{ items: Alert[] }>('/api/v1/alerts', { query: { limit: 20 } }, 10_000);
  const retrainings = useApi<{ items: Retraining[] }>('/api/v1/retrainings', { query: { limit: 10 } }, 10_000);
  return (
    <>
      <h1>Monitoring</h1>
      <section className="panel" aria-labelledby="deps-h">
        <h2 id="deps-h">Deployments</h2>
        <Loaded state={deployments} what="deployments">
          {({ items }) => items.length === 0 ? <p className="muted">No deployments to monitor.</p> : (
            <ul className="link-list">
              {items.map((d) => <li key={d.name}><Link to={`/monitoring/${encodeURIComponent(d.name)}`}>{d.name}</Link> <span className="muted">({d.model} v{d.policy.stable})</span></li>)}
            </ul>
          )}
        </Loaded>
      </section>
      <section className="panel" aria-labelledby="alerts-h">
        <h2 id="alerts-h">Latest alerts</h2>
        <Loaded state={alerts} what="alerts">{({ items }) => <AlertsTable alerts={items} showDeployment />}</Loaded>
      </section>
      <section className="panel" aria-labelledby="retrain-h">
        <h2 id="retrain-h">Retrainings</h2>
        <Loaded state={retrainings} what="retrainings">{({ items }) => <RetrainingChains items={items} />}</Loaded>
      </section>
    </>
  );
}
