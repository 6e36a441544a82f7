import { Link } from 'react-router';
import { useApi } from '../../api/use-api';
import { formatTime, Loaded } from '../../layout/status';
import { TrafficSplit } from './traffic-split';
import type { Deployment } from './types';

/** Every deployment with its live traffic split; a row opens the deployment. */
export function DeploymentsPage() {
  const state = useApi<{ items: Deployment[] }>('/api/v1/deployments', {}, 5000);
  return (
    <>
      <h1>Deployments</h1>
      <Loaded state={state} what="deployments">
        {({ items }) => items.length === 0 ? (
          <p className="muted">No deployments yet: create one with <code>paddock deploy create</code>.</p>
        ) : (
          <table className="grid" aria-label="Deployments">
            <thead>
              <tr><th>Name</th><th>Model</th><th>Traffic split</th><th className="num">Revision</th><th>Analysis</th><th>Updated</th></tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.name}>
                  <td><Link to={`/deployments/${encodeURIComponent(d.name)}`}>{d.name}</Link></td>
                  <td><Link to={`/models/${encodeURIComponent(d.model)}`}>{d.model}</Link></td>
                  <td className="split-cell"><TrafficSplit policy={d.policy} label={`Traffic of ${d.name}`} /></td>
                  <td className="num">{d.revision}</td>
                  <td>{d.analysis ? 'automatic' : <span className="muted">off</span>}</td>
                  <td>{formatTime(d.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
    </>
  );
}
