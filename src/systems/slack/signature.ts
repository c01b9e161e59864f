/**
 * Slack: `X-Slack-Signature: v0=<hex(HMAC-SHA256(signing secret, `v0:${ts}:${body}`))>` with
 * `X-Slack-Request-Timestamp` in seconds; Slack asks receivers to refuse requests older than 5 minutes.
 * https://api.slack.com/authentication/verifying-requests-from-slack
 */
import {
  anySecretMatches,
  decodeSignature,
  header,
  hmacSha256,
  secondsToMs,
  SignatureError,
  SignedRequest,
  withinTolerance,
} from '../kit/hmac';

export const SLACK_TOLERANCE_MS = 5 * 60 * 1000;
const PREFIX = 'v0=';

export function verifySlackSignature(req: SignedRequest, secrets: string[], now = Date.now()): void {
  const value = header(req.headers, 'x-slack-signature');
  const timestamp = header(req.headers, 'x-slack-request-timestamp');
  if (!value || !timestamp) {
    throw new SignatureError(
      'missing_signature',
      'X-Slack-Signature and X-Slack-Request-Timestamp are required',
    );
  }
  if (!withinTolerance(secondsToMs(timestamp), SLACK_TOLERANCE_MS, now)) {
    throw new SignatureError(
      'stale_signature',
      'X-Slack-Request-Timestamp is outside the 5-minute tolerance',
    );
  }
  const received = value.startsWith(PREFIX) ? decodeSignature(value.slice(PREFIX.length), 'hex') : undefined;
  const base = Buffer.concat([Buffer.from(`v0:${timestamp}:`), req.rawBody]);
  if (!received || !anySecretMatches(secrets, (s) => hmacSha256(s, base), [received])) {
    throw new SignatureError('invalid_signature', 'X-Slack-Signature does not match');
  }
}
