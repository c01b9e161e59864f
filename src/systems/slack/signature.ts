/**
 * Slack: `X-Slack-Signature: v0=<hex(HMAC-SHA256(signing secret, `v0:${ts}:${body}`))>` with
 * `X-Slack-Request-Timestamp` in seconds; Slack asks receivers to refuse requests older than 5 minutes.
 * https://api.slack.com/authentication/verifying-requests-from-slack
 */
import { type HmacScheme, secondsToMs, type SignedRequest, verifyHmacSignature } from '../kit/hmac';

export const SLACK_TOLERANCE_MS = 5 * 60 * 1000;

const SLACK: HmacScheme = {
  header: 'X-Slack-Signature',
  prefix: 'v0=',
  encoding: 'hex',
  timestamp: { header: 'X-Slack-Request-Timestamp', toleranceMs: SLACK_TOLERANCE_MS, toMs: secondsToMs },
  signedPayload: (req, timestamp) => Buffer.concat([Buffer.from(`v0:${timestamp}:`), req.rawBody]),
};

export function verifySlackSignature(req: SignedRequest, secrets: string[], now = Date.now()): void {
  verifyHmacSignature(req, secrets, SLACK, now);
}
