import { createHmac, timingSafeEqual } from 'node:crypto';

/** MLflow's webhook headers (mlflow/webhooks/constants.py). */
export const WEBHOOK_HEADERS = {
  signature: 'X-MLflow-Signature',
  timestamp: 'X-MLflow-Timestamp',
  deliveryId: 'X-MLflow-Delivery-Id',
} as const;

/** The signature scheme version prefixed to the signature (`v1,<base64>`). */
export const WEBHOOK_SIGNATURE_VERSION = 'v1';

/**
 * MLflow's webhook signature: HMAC-SHA256 with the webhook's secret over
 * `<delivery id>.<unix seconds>.<raw JSON body>`, base64-encoded, as `v1,<base64>`.
 */
export function signWebhook(secret: string, deliveryId: string, timestamp: string, body: string): string {
  const mac = createHmac('sha256', secret).update(`${deliveryId}.${timestamp}.${body}`, 'utf8').digest('base64');
  return `${WEBHOOK_SIGNATURE_VERSION},${mac}`;
}

/** Whether a received signature header matches (constant-time), for receivers written in TS. */
export function verifyWebhookSignature(secret: string, deliveryId: string, timestamp: string, body: string, header: string): boolean {
  const expected = Buffer.from(signWebhook(secret, deliveryId, timestamp, body));
  const got = Buffer.from(header);
  return expected.length === got.length && timingSafeEqual(expected, got);
}
