/**
 * Slack: `X-Slack-Signature: v0=<hex(HMAC-SHA256(signing secret, `v0:${ts}:${body}`))>` with
 * `X-Slack-Request-Timestamp` in seconds; Slack asks receivers to refuse requests older than 5 minutes.
 * https://api.slack.com/authentication/verifying-requests-from-slack
 */
import {
  anySecretMatches,
  decodeSignature,
  hmacSha256,
  secondsToMs,
  SignedRequest,
  TimestampedSignatureScheme,
  verifyTimestampedSignature,
} from '../kit/hmac';

export const SLACK_TOLERANCE_MS = 5 * 60 * 1000;
const PREFIX = 'v0=';

export function verifySlackSignature(req: SignedRequest, secrets: string[], now = Date.now()): void {
  const scheme: TimestampedSignatureScheme = {
    signatureHeader: 'X-Slack-Signature',
    timestampHeader: 'X-Slack-Request-Timestamp',
    toleranceMs: SLACK_TOLERANCE_MS,
    timestampMs: secondsToMs,
    matches: (value, timestamp) => {
      const received = value.startsWith(PREFIX)
        ? decodeSignature(value.slice(PREFIX.length), 'hex')
        : undefined;
      const base = Buffer.concat([Buffer.from(`v0:${timestamp}:`), req.rawBody]);
      return received !== undefined && anySecretMatches(secrets, (s) => hmacSha256(s, base), [received]);
    },
  };
  verifyTimestampedSignature(req, scheme, now);
}
