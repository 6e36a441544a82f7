/**
 * The monitoring loop a serving process runs: every `evaluateEveryMs` it looks at the latest
 * complete window of each deployment (windows aligned to multiples of `windowMs` since the
 * epoch, so every process agrees where a day starts: UTC midnight for 1d), monitors it once,
 * feeds the result to the alert rules and sends what fires or clears. It never backfills: a
 * process starting mid-day evaluates yesterday's window and then each new one as it completes.
 * With `delayMs`, a window is evaluated that long after it ends, so labels arriving late are
 * joined before its performance is measured. A failure (no reference, a database hiccup) is
 * logged and retried on the next tick; it never stops serving.
 */
import type { Logger } from '../../core/logging.js';
import { AlertEvaluator } from '../alerts/alert-evaluator.js';
import type { AlertNotifier } from '../alerts/alert-notifier.js';
import type { AlertEvent } from '../alerts/alert-store.js';
import type { AlertRule } from '../alerts/alert-rule.js';
import type { PredictionLogStore } from '../prediction-log/prediction-log.js';
import { monitorWindow, type MonitorWindowInput, type WindowResult } from './monitor-window.js';
import type { MonitorReference } from './reference.js';

export interface StartMonitoringOptions {
  readonly store: PredictionLogStore;
  readonly deployments: readonly string[];
  /** The reference of a deployment now (its stable version's package); undefined skips it this tick. */
  reference(deployment: string): Promise<MonitorReference | undefined>;
  readonly windowMs: number;
  /** How long after a window ends it is evaluated, so late labels count (default 0). */
  readonly delayMs?: number;
  /** How often to look for a newly completed window (default: a tenth of the window, at most a minute). */
  readonly evaluateEveryMs?: number;
  readonly rules: readonly AlertRule[];
  readonly notifier: AlertNotifier;
  /** Alerts recorded before this process started (its alert store's), read once before the first window: see AlertEvaluator.resume. */
  readonly recorded?: () => Promise<readonly AlertEvent[]>;
  readonly logger: Logger;
  readonly outcomes?: MonitorWindowInput['outcomes'];
  readonly dropped?: MonitorWindowInput['dropped'];
  readonly now?: () => number;
  /** Told about each window monitored (tests, status pages). */
  readonly onWindow?: (w: WindowResult) => void;
}

/** The running loop. */
export interface Monitoring {
  /** Evaluates now (the next tick does nothing new for windows already seen); resolves with the windows monitored. */
  tick(): Promise<WindowResult[]>;
  stop(): Promise<void>;
}

export function startMonitoring(options: StartMonitoringOptions): Monitoring {
  const now = options.now ?? Date.now;
  const evaluator = new AlertEvaluator(options.rules);
  const done = new Map<string, number>();
  const every = options.evaluateEveryMs ?? Math.min(60_000, Math.max(1000, options.windowMs / 10));
  let running: Promise<WindowResult[]> | undefined;
  let stopped = false;

  let resumed = options.recorded === undefined;
  const evaluate = async (): Promise<WindowResult[]> => {
    if (!resumed) {
      try {
        evaluator.resume(await options.recorded!());
        resumed = true;
      } catch (err) {
        options.logger.warn({ err }, 'monitoring: could not read the recorded alerts; retrying on the next tick');
        return [];
      }
    }
    const until = Math.floor((now() - (options.delayMs ?? 0)) / options.windowMs) * options.windowMs;
    const out: WindowResult[] = [];
    for (const deployment of options.deployments) {
      if ((done.get(deployment) ?? -Infinity) >= until) continue;
      try {
        const reference = await options.reference(deployment);
        if (!reference) continue;
        const w = await monitorWindow({ store: options.store, deployment, since: until - options.windowMs, until, reference, ...(options.outcomes ? { outcomes: options.outcomes } : {}), ...(options.dropped ? { dropped: options.dropped } : {}) });
        done.set(deployment, until);
        out.push(w);
        options.onWindow?.(w);
        await options.notifier.notify(evaluator.evaluate(w));
      } catch (err) {
        options.logger.warn({ err, deployment }, `monitoring ${deployment}: could not evaluate the window ending ${new Date(until).toISOString()}; retrying on the next tick`);
      }
    }
    return out;
  };
  const tick = (): Promise<WindowResult[]> => {
    // One evaluation at a time: a slow scan makes the next tick wait, never overlap.
    running ??= evaluate().finally(() => (running = undefined));
    return running;
  };
  const timer = setInterval(() => {
    if (!stopped) void tick();
  }, every);
  timer.unref();
  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await options.notifier.idle();
    },
  };
}
