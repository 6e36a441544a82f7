import { stablePercent, type TrafficPolicy } from './types';

/** The policy's split as one bar (stable, each canary) and the mirror's copy share beside it. */
export function TrafficSplit({ policy, label }: { policy: TrafficPolicy; label: string }) {
  const parts = [
    { key: `stable-${policy.stable}`, text: `stable v${policy.stable}`, percent: stablePercent(policy), className: 'split-stable' },
    ...policy.candidates.map((c) => ({ key: `canary-${c.version}`, text: `canary v${c.version}`, percent: c.weight, className: 'split-canary' })),
  ];
  const summary = [...parts.map((p) => `${p.text} ${p.percent}%`), ...(policy.mirror ? [`shadow v${policy.mirror.version} gets a copy of ${policy.mirror.percent}%`] : [])].join(', ');
  return (
    <div className="split" role="img" aria-label={`${label}: ${summary}`} data-testid="traffic-split">
      <div className="split-bar">
        {parts.filter((p) => p.percent > 0).map((p) => (
          <span key={p.key} className={p.className} style={{ width: `${p.percent}%` }} title={`${p.text}: ${p.percent}%`}>
            {p.text} · {p.percent}%
          </span>
        ))}
      </div>
      {policy.mirror ? <p className="muted split-mirror">Mirror: {policy.mirror.percent}% of requests copied to v{policy.mirror.version} (answers logged, never returned)</p> : null}
    </div>
  );
}
