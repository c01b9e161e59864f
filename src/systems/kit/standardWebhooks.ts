/**
 * Standard Webhooks (Svix and the senders built on it, ShipBob among them): headers `webhook-id`,
 * `webhook-timestamp` (seconds) and `webhook-signature`, a space-separated list of `v1,<base64>` entries,
 * each base64(HMAC-SHA256(key, `${id}.${timestamp}.${body}`)) where the key is the base64 after `whsec_`.
 * Several entries arrive while the sender rotates its secret; 5-minute tolerance as the spec recommends.
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
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
} from './hmac';

export const STANDARD_WEBHOOKS_TOLERANCE_MS = 5 * 60 * 1000;
const SECRET_PREFIX = 'whsec_';

/** The signing key of a `whsec_<base64>` secret (the prefix is optional, as in the reference libraries). */
export function standardWebhookKey(secret: string): Buffer {
  return Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
}

/** The v1 signatures of the header; other versions (v1a, asymmetric) are not ours to check. */
function v1Signatures(value: string): Buffer[] {
  return value
    .split(' ')
    .map((entry) => entry.split(','))
    .filter(([version, signature]) => version === 'v1' && signature !== undefined)
    .map(([, signature]) => decodeSignature(signature, 'base64'))
    .filter((b): b is Buffer => b !== undefined);
}

/** Standard Webhooks headers, or Svix's own `svix-*` names (the same scheme; Svix sends both or either). */
export function standardWebhookHeaders(req: SignedRequest) {
  const read = (name: string) =>
    header(req.headers, `webhook-${name}`) ?? header(req.headers, `svix-${name}`);
  return { id: read('id'), timestamp: read('timestamp'), signature: read('signature') };
}

export function verifyStandardWebhookSignature(
  req: SignedRequest,
  secrets: string[],
  now = Date.now(),
): void {
  const { id, timestamp, signature } = standardWebhookHeaders(req);
  if (!id || !timestamp || !signature) {
    throw new SignatureError(
      'missing_signature',
      'webhook-id, webhook-timestamp and webhook-signature are required',
    );
  }
  if (!withinTolerance(secondsToMs(timestamp), STANDARD_WEBHOOKS_TOLERANCE_MS, now)) {
    throw new SignatureError('stale_signature', 'webhook-timestamp is outside the 5-minute tolerance');
  }
  const signedContent = Buffer.concat([Buffer.from(`${id}.${timestamp}.`), req.rawBody]);
  const matches = anySecretMatches(
    secrets,
    (s) => hmacSha256(standardWebhookKey(s), signedContent),
    v1Signatures(signature),
  );
  if (!matches) throw new SignatureError('invalid_signature', 'no webhook-signature v1 entry matches');
}
