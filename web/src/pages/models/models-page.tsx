import { Link } from 'react-router';
import { useApi } from '../../api/use-api';
import { formatTime, Loaded } from '../../layout/status';
import { AliasBadges } from './alias-badges';
import type { Page, RegisteredModel } from './model-types';
import './models.css';

/** The model registry: every registered model with its latest version and aliases. */
export function ModelsPage() {
  const state = useApi<Page<RegisteredModel>>('/api/v1/models', { query: { max_results: 1000, order_by: ['name ASC'] } });
  return (
    <div className="page-body">
      <h1>Models</h1>
      <Loaded state={state} what="registered models">
        {({ items }) => items.length === 0 ? (
          <p className="muted">No registered models yet: <code>paddock models register &lt;package&gt; --name &lt;model&gt;</code> registers one.</p>
        ) : (
          <table className="grid" aria-label="Registered models">
            <thead>
              <tr><th scope="col">Model</th><th scope="col" className="num">Latest version</th><th scope="col">Aliases</th><th scope="col">Updated</th><th scope="col">Description</th></tr>
            </thead>
            <tbody>
              {items.map((m) => (
                <tr key={m.name}>
                  <td><Link to={`/models/${encodeURIComponent(m.name)}`}>{m.name}</Link></td>
                  <td className="num">{m.latestVersion ? <Link to={`/models/${encodeURIComponent(m.name)}/versions/${m.latestVersion.version}`}>v{m.latestVersion.version}</Link> : '—'}</td>
                  <td><AliasBadges model={m.name} aliases={m.aliases} /></td>
                  <td>{formatTime(m.lastUpdatedTimestamp)}</td>
                  <td className="reason">{m.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Loaded>
    </div>
  );
}
