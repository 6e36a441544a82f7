import { formatTime } from '../../layout/status';
import { ANALYSIS_ACTOR, type DeploymentEvent, type TrafficPolicy } from './types';

/** A policy in one line: `stable 2, canary 3 25%, mirror 3 50%`. */
export function policyText(p: TrafficPolicy | undefined): string {
  if (!p) return '—';
  return [`stable ${p.stable}`, ...p.candidates.map((c) => `canary ${c.version} ${c.weight}%`), ...(p.mirror ? [`mirror ${p.mirror.version} ${p.mirror.percent}%`] : [])].join(', ');
}

/** What an analysis step decided, read from its kind and reason. */
function verdict(e: DeploymentEvent): { text: string; tone: 'good' | 'bad' | 'warn' } {
  if (e.kind === 'promoted') return { text: 'promoted', tone: 'good' };
  if (e.kind === 'rolled-back') return { text: 'rolled back', tone: 'bad' };
  if (/\bfailed\b/.test(e.reason ?? '')) return { text: 'failed', tone: 'bad' };
  if (/^held\b/.test(e.reason ?? '')) return { text: 'held', tone: 'warn' };
  if (/\bpassed\b/.test(e.reason ?? '')) return { text: 'passed', tone: 'good' };
  return { text: e.kind, tone: 'warn' };
}

/** The automatic canary analysis's steps, newest first, each with its verdict and the numbers measured. */
export function CanaryAnalysisSteps({ events }: { events: readonly DeploymentEvent[] }) {
  const steps = events.filter((e) => e.actor === ANALYSIS_ACTOR).slice().reverse();
  if (steps.length === 0) return <p className="muted">No canary analysis steps yet (the analysis runs where the deployment is served with automatic analysis).</p>;
  return (
    <table className="grid wrap" aria-label="Canary analysis steps">
      <thead><tr><th>When</th><th>Verdict</th><th>Traffic after</th><th>Measured</th></tr></thead>
      <tbody>
        {steps.map((e) => {
          const v = verdict(e);
          return (
            <tr key={e.revision + e.kind + e.at}>
              <td>{formatTime(e.at)}</td>
              <td><span className={`badge ${v.tone}`}>{v.text}</span></td>
              <td>{policyText(e.to)}</td>
              <td className="reason">{e.reason ?? ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Every change, newest first: who, when, what and why. */
export function DeploymentHistory({ events }: { events: readonly DeploymentEvent[] }) {
  return (
    <table className="grid wrap" aria-label="Deployment history">
      <thead><tr><th className="num">Rev.</th><th>When</th><th>Change</th><th>By</th><th>Policy after</th><th>Reason</th></tr></thead>
      <tbody>
        {events.slice().reverse().map((e) => (
          <tr key={`${e.revision}-${e.at}-${e.kind}`}>
            <td className="num">{e.revision}</td>
            <td>{formatTime(e.at)}</td>
            <td>{e.kind}</td>
            <td>{e.actor}</td>
            <td>{policyText(e.to)}</td>
            <td className="reason">{e.reason ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
