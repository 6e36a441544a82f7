import { formatNumber } from '../../layout/status';
import type { DeploymentStats } from './types';

const percentText = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)}%`);
const msText = (v: number | null) => (v === null ? '—' : `${formatNumber(v, 3)} ms`);

/** Requests/s, error rate and latency per variant, from the stats endpoint, with where they come from. */
export function VariantTable({ stats }: { stats: DeploymentStats }) {
  return (
    <>
      <table className="grid" aria-label="Traffic per variant">
        <thead>
          <tr>
            <th>Variant</th><th>Version</th><th className="num">Share</th><th className="num">Requests</th><th className="num">Requests/s</th>
            <th className="num">Error rate</th><th className="num">p50</th><th className="num">p99</th>
          </tr>
        </thead>
        <tbody>
          {stats.variants.map((v) => (
            <tr key={`${v.variant}-${v.version}`} data-variant={v.variant} data-version={v.version}>
              <td><span className={`badge variant-${v.variant}`}>{v.variant}</span></td>
              <td>v{v.version}</td>
              <td className="num">{v.variant === 'shadow' ? `copy of ${v.percent}%` : `${v.percent}%`}</td>
              <td className="num">{formatNumber(v.requests)}</td>
              <td className="num">{v.requestsPerSecond.toFixed(2)}</td>
              <td className={`num${v.errorRate ? ' bad' : ''}`}>{v.errorRate === null ? <abbr title="not known from the prediction log">n/a</abbr> : percentText(v.errorRate)}</td>
              <td className="num">{msText(v.p50Ms)}</td>
              <td className="num">{msText(v.p99Ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ul className="notes muted">
        {stats.notes.map((n) => <li key={n}>{n}</li>)}
      </ul>
    </>
  );
}

/** The shadow's answers compared with the primary's. */
export function ShadowAgreement({ stats, mirrored }: { stats: DeploymentStats; mirrored: boolean }) {
  if (!mirrored) return <p className="muted">No mirror: nothing is shadowed.</p>;
  const s = stats.shadow;
  if (!s) return <p className="muted">Shadow agreement is known only to the server that mirrors the traffic (start it with <code>paddock server --deployment</code>).</p>;
  return (
    <dl className="facts" aria-label="Shadow agreement">
      <dt>Shadow version</dt><dd>v{s.version}</dd>
      <dt>Agreement</dt><dd data-testid="shadow-agreement" className={s.agreement < 0.95 ? 'bad' : 'good'}>{s.rows ? percentText(s.agreement) : '— (no mirrored rows yet)'}</dd>
      <dt>Mirrored requests</dt><dd>{formatNumber(s.requests)} ({formatNumber(s.rows)} rows, {formatNumber(s.errors)} shadow errors)</dd>
      {s.meanAbsDelta !== null ? (<><dt>Mean |Δ|</dt><dd>{formatNumber(s.meanAbsDelta)}</dd></>) : null}
    </dl>
  );
}
