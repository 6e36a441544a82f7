import { formatNumber, formatTime } from '../../layout/status';
import type { Alert } from './types';

/** Alerts newest first, each with the value that fired it, its condition and the windows of the streak. */
export function AlertsTable({ alerts, showDeployment = false }: { alerts: readonly Alert[]; showDeployment?: boolean }) {
  if (alerts.length === 0) return <p className="muted">No alerts.</p>;
  const sorted = alerts.slice().sort((a, b) => b.at - a.at);
  return (
    <table className="grid wrap" aria-label="Alerts">
      <thead>
        <tr>
          <th>When</th>{showDeployment ? <th>Deployment</th> : null}<th>Rule</th><th>State</th><th>Metric</th><th className="num">Value</th><th>Condition</th><th>Windows (value, samples)</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((a, i) => (
          <tr key={a.id ?? `${a.rule}-${a.at}-${i}`} data-rule={a.rule}>
            <td>{formatTime(a.at)}</td>
            {showDeployment ? <td>{a.deployment}</td> : null}
            <td>{a.rule}{a.origin === 'rules' ? <span className="muted" title="from evaluating the rules over these windows, not recorded"> (rules)</span> : null}</td>
            <td><span className={`badge ${a.kind === 'fired' ? 'bad' : 'good'}`}>{a.kind}</span></td>
            <td>{a.metric}{a.column ? ` of ${a.column}` : ''}{a.performanceMetric ? ` (${a.performanceMetric})` : ''}</td>
            <td className="num">{formatNumber(a.value)}</td>
            <td>{a.condition}</td>
            <td className="muted">{a.windows.map((w) => `${formatNumber(w.value, 3)} (${w.samples})`).join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
