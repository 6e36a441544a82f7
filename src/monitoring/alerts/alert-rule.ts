/**
 * What an alert rule measures in a window: the value, the number of samples behind it (the
 * rule's min_samples applies to it) and whether the value breaches the rule's bound. A metric a
 * window does not have (no labels yet, no outcomes from this process) measures nothing.
 */
import type { z } from 'zod';
import type { alertNotifySchema, alertRuleSchema } from '../../core/config-monitoring.js';
import type { WindowResult } from '../monitor/monitor-window.js';

/** A rule from paddock.yaml's `alerts:` (defaults applied). */
export type AlertRule = z.output<typeof alertRuleSchema>;
export type AlertNotify = z.output<typeof alertNotifySchema>;
export type AlertMetric = AlertRule['metric'];

/** One window's measurement for one rule. */
export interface Measurement {
  readonly value: number;
  readonly samples: number;
  readonly breached: boolean;
  /** What the value was compared with, in words (for logs and reports). */
  readonly condition: string;
}

/** The rule's value in `w`, or undefined when the window does not have it. */
export function measure(rule: AlertRule, w: WindowResult): Measurement | undefined {
  switch (rule.metric) {
    case 'dataset_drift': {
      if (!w.drift) return undefined;
      const verdict = bounded(rule, w.drift.share);
      return { value: w.drift.share, samples: w.rows, breached: verdict ? verdict.breached : w.drift.datasetDrift, condition: `share of drifted columns ${verdict?.condition ?? `≥ ${w.drift.driftShare}`}` };
    }
    case 'drift_score': {
      const col = w.drift?.columns.find((c) => c.column === rule.column) ?? w.outputDrift?.columns.find((c) => c.column === rule.column);
      if (!col) return undefined;
      const verdict = bounded(rule, col.score);
      // The condition names the test either way: its score is a p-value or a distance.
      const score = col.pValue !== undefined ? `${col.test} p-value` : col.test;
      const own = col.pValue !== undefined ? `< ${col.threshold}` : `≥ ${col.threshold}`;
      return { value: col.score, samples: col.currentRows, breached: verdict ? verdict.breached : col.drifted, condition: `${score} ${verdict?.condition ?? own}` };
    }
    case 'performance': {
      const r = w.performance.realized;
      const v = r?.metrics[rule.performance_metric!];
      return r && v !== undefined ? { value: v, samples: r.rows, ...bounded(rule, v)! } : undefined;
    }
    case 'estimated_performance': {
      const e = w.performance.estimated;
      const v = e?.[rule.performance_metric as keyof typeof e];
      return e && typeof v === 'number' ? { value: v, samples: e.rows, ...bounded(rule, v)! } : undefined;
    }
    case 'latency_p99':
      return w.latency ? { value: w.latency.p99, samples: w.requests, ...bounded(rule, w.latency.p99)! } : undefined;
    case 'error_rate':
      return w.errors ? { value: w.errors.rate, samples: w.errors.requests, ...bounded(rule, w.errors.rate)! } : undefined;
    case 'dropped_predictions':
      // Any number of drops is meaningful, whatever the window's volume.
      return w.dropped !== undefined ? { value: w.dropped, samples: Math.max(w.rows, rule.min_samples), ...bounded(rule, w.dropped)! } : undefined;
  }
}

/** The bound's verdict (NaN never breaches), or undefined for a rule without one. */
function bounded(rule: AlertRule, value: number): { breached: boolean; condition: string } | undefined {
  if (rule.above === undefined && rule.below === undefined) return undefined;
  const parts: string[] = [];
  let breached = false;
  if (rule.above !== undefined) {
    parts.push(`> ${rule.above}`);
    breached ||= value > rule.above;
  }
  if (rule.below !== undefined) {
    parts.push(`< ${rule.below}`);
    breached ||= value < rule.below;
  }
  return { breached, condition: parts.join(' or ') };
}
