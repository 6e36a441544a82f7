/**
 * Alert rules evaluated window after window with hysteresis, per rule and deployment: a rule
 * fires after `for_windows` consecutive breached windows and clears after `clear_windows`
 * consecutive healthy ones, so one noisy window neither fires nor clears an alert. A window with
 * fewer than `min_samples` samples behind the value, or without the metric at all (no labels
 * yet), is skipped: it neither counts towards a streak nor breaks one. Each window is counted
 * once: a window ending at or before the last one seen for that rule and deployment is ignored,
 * so a loop may evaluate the same window again safely.
 */
import type { WindowResult } from '../monitor/monitor-window.js';
import { measure, type AlertRule } from './alert-rule.js';
import type { AlertEvent, AlertWindowValue } from './alert-store.js';

interface RuleState {
  firing: boolean;
  /** The current streak of breached (or healthy) windows. */
  breached: AlertWindowValue[];
  healthy: AlertWindowValue[];
  lastUntil: number;
}

/** Whether a rule currently fires, for status displays. */
export interface AlertStatus {
  readonly rule: string;
  readonly deployment: string;
  readonly firing: boolean;
}

export class AlertEvaluator {
  private readonly state = new Map<string, RuleState>();

  constructor(private readonly rules: readonly AlertRule[]) {}

  /**
   * Carries on from alerts another process recorded (a restarted server, the next process of a
   * quickstart): per rule and deployment, the newest stored event says whether the alert fires
   * and which windows were judged already. Without it a new process judged those windows again
   * and fired an alert that was still firing a second time (and started its retraining again).
   */
  resume(stored: readonly AlertEvent[]): void {
    const newest = new Map<string, AlertEvent>();
    for (const e of stored) {
      const key = `${e.rule}\u0000${e.deployment}`;
      const seen = newest.get(key);
      if (!seen || e.at > seen.at) newest.set(key, e);
    }
    for (const [key, e] of newest) {
      const s = this.state.get(key) ?? { firing: false, breached: [], healthy: [], lastUntil: -Infinity };
      s.firing = e.kind === 'fired';
      s.lastUntil = Math.max(s.lastUntil, e.at);
      this.state.set(key, s);
    }
  }

  /** The fire and clear events `w` causes (usually none). */
  evaluate(w: WindowResult): AlertEvent[] {
    const events: AlertEvent[] = [];
    for (const rule of this.rules) {
      if (rule.deployment !== undefined && rule.deployment !== w.deployment) continue;
      const key = `${rule.name}\u0000${w.deployment}`;
      const s = this.state.get(key) ?? { firing: false, breached: [], healthy: [], lastUntil: -Infinity };
      this.state.set(key, s);
      if (w.until <= s.lastUntil) continue;
      s.lastUntil = w.until;
      const m = measure(rule, w);
      if (!m || m.samples < rule.min_samples || Number.isNaN(m.value)) continue;
      const point: AlertWindowValue = { since: w.since, until: w.until, value: m.value, samples: m.samples };
      if (m.breached) {
        s.breached.push(point);
        s.healthy = [];
        if (!s.firing && s.breached.length >= rule.for_windows) {
          s.firing = true;
          events.push(eventOf(rule, w.deployment, 'fired', m.condition, s.breached.slice(-rule.for_windows)));
        }
        s.breached = s.breached.slice(-rule.for_windows);
      } else {
        s.healthy.push(point);
        s.breached = [];
        if (s.firing && s.healthy.length >= rule.clear_windows) {
          s.firing = false;
          events.push(eventOf(rule, w.deployment, 'cleared', m.condition, s.healthy.slice(-rule.clear_windows)));
        }
        s.healthy = s.healthy.slice(-rule.clear_windows);
      }
    }
    return events;
  }

  /** Every rule and deployment seen so far, with whether it fires. */
  status(): AlertStatus[] {
    return [...this.state].map(([key, s]) => {
      const [rule, deployment] = key.split('\u0000') as [string, string];
      return { rule, deployment, firing: s.firing };
    });
  }
}

function eventOf(rule: AlertRule, deployment: string, kind: AlertEvent['kind'], condition: string, windows: AlertWindowValue[]): AlertEvent {
  const last = windows[windows.length - 1]!;
  return {
    rule: rule.name, deployment, kind, metric: rule.metric,
    ...(rule.column ? { column: rule.column } : {}),
    ...(rule.performance_metric ? { performanceMetric: rule.performance_metric } : {}),
    value: last.value, condition,
    ...(rule.above !== undefined ? { above: rule.above } : {}),
    ...(rule.below !== undefined ? { below: rule.below } : {}),
    windows, at: last.until,
    retrain: rule.notify.flatMap((n) => (typeof n === 'string' && n.startsWith('retrain:') ? [n.slice('retrain:'.length)] : [])),
  };
}
