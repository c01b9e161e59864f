/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex(HMAC-SHA256(webhook secret, body))>`. No timestamp is signed,
 * so there is no tolerance window; redeliveries are recognised by X-GitHub-Delivery instead.
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
import {
  anySecretMatches,
  decodeSignature,
  header,
  hmacSha256,
  SignatureError,
  SignedRequest,
} from '../kit/hmac';

const PREFIX = 'sha256=';

export function verifyGithubSignature(req: SignedRequest, secrets: string[]): void {
  const value = header(req.headers, 'x-hub-signature-256');
  if (!value) throw new SignatureError('missing_signature', 'X-Hub-Signature-256 is required');
  const received = value.startsWith(PREFIX) ? decodeSignature(value.slice(PREFIX.length), 'hex') : undefined;
  if (!received || !anySecretMatches(secrets, (s) => hmacSha256(s, req.rawBody), [received])) {
    throw new SignatureError('invalid_signature', 'X-Hub-Signature-256 does not match');
  }
}
