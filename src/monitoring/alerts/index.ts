/** Alerts: rules from paddock.yaml evaluated per monitoring window with hysteresis; the log, signed webhooks and the automation hear them. */
export { measure, type AlertRule, type AlertNotify, type AlertMetric, type Measurement } from './alert-rule.js';
export { AlertEvaluator, type AlertStatus } from './alert-evaluator.js';
export { AlertNotifier, type AlertNotifierOptions, type AlertWebhookEvent, type AlertDeliveryAttempt } from './alert-notifier.js';
export type { AlertEvent, AlertWindowValue, StoredAlert, AlertQuery, AlertStore } from './alert-store.js';
