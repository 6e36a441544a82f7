import { describe, expect, it } from 'vitest';
import type { Output } from '../output.js';
import { alertLine, deploymentLines } from './deployment-lines.js';

const START = Date.UTC(2026, 5, 1, 10);

describe('deployment lines', () => {
  it('prints an applied policy with its canaries and mirror, and warnings on stderr', () => {
    const lines: string[] = [];
    const warnings: string[] = [];
    const out: Output = { json: false, quiet: false, color: false, line: (t = '') => lines.push(t), result: () => {}, warn: (t) => warnings.push(t) };
    const events = deploymentLines(out);
    events.onApplied({
      name: 'flights', model: 'flights', revision: 3, createdAt: START, updatedAt: START,
      policy: { stable: '1', candidates: [{ version: '2', weight: 25 }], mirror: { version: '3', percent: 100 } },
    });
    events.onUnloaded('flights', '1');
    events.onWarning("alerts rule 'typo' notifies retrain:flight");
    expect(lines).toEqual([
      'Deployment flights (revision 3): stable 1, canary 2 at 25%, mirror 3 at 100%',
      'Deployment flights: unloaded version 1 (no policy names it)',
    ]);
    expect(warnings).toEqual(["alerts rule 'typo' notifies retrain:flight"]);
  });

  it('prints a fired alert with the numbers of each window behind it', () => {
    const line = alertLine({
      rule: 'auc-decay', deployment: 'flights', kind: 'fired', metric: 'performance', performanceMetric: 'roc_auc', value: 0.650938, condition: '< 0.655', at: START,
      windows: [{ since: START - 20_000, until: START - 10_000, value: 0.6484661, samples: 6488 }, { since: START - 10_000, until: START, value: 0.650938, samples: 5601 }], retrain: [],
    });
    expect(line).toBe('Alert auc-decay fired on flights: performance roc_auc < 0.655 in 2 windows: 0.6485 (6488 samples), 0.6509 (5601 samples)');
  });
});
