/**
 * Zendesk webhooks: `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(signing secret, timestamp + body))
 * with the timestamp (ISO 8601, e.g. 2024-05-01T12:00:00Z) in `X-Zendesk-Webhook-Signature-Timestamp`.
 * Zendesk sets no window itself; 5 minutes, like the other timestamped schemes, stops replays.
 * https://developer.zendesk.com/documentation/webhooks/verifying/
 */
import { type HmacScheme, type SignedRequest, verifyHmacSignature } from '../kit/hmac';

export const ZENDESK_TOLERANCE_MS = 5 * 60 * 1000;

/** ISO 8601 as Zendesk sends it; Unix seconds or milliseconds are read too. */
export function zendeskTimestampMs(value: string): number {
  if (/^\d{1,12}$/.test(value)) return Number(value) * 1000;
  if (/^\d{13}$/.test(value)) return Number(value);
  return /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : NaN;
}

const ZENDESK: HmacScheme = {
  header: 'X-Zendesk-Webhook-Signature',
  timestamp: {
    header: 'X-Zendesk-Webhook-Signature-Timestamp',
    toleranceMs: ZENDESK_TOLERANCE_MS,
    toMs: zendeskTimestampMs,
  },
  signedPayload: (req, timestamp) => Buffer.concat([Buffer.from(timestamp), req.rawBody]),
  encoding: 'base64',
};

export function verifyZendeskSignature(req: SignedRequest, secrets: string[], now = Date.now()): void {
  verifyHmacSignature(req, secrets, ZENDESK, now);
}
