/**
 * Plain HMAC-SHA256 for in-house senders: one header (name configurable) carrying
 * `<prefix><hex or base64 of HMAC-SHA256(secret, body)>`, e.g. `X-Signature: sha256=<hex>`.
 * No timestamp: in-house senders that need replay protection should use the Standard Webhooks source.
 */
import type { Config } from '../../config';
import {
  anySecretMatches,
  decodeSignature,
  header,
  hmacSha256,
  SignatureError,
  SignedRequest,
} from '../kit/hmac';

export function verifyGenericHmacSignature(
  req: SignedRequest,
  secrets: string[],
  scheme: Config['genericWebhook'],
): void {
  const value = header(req.headers, scheme.header);
  if (!value) throw new SignatureError('missing_signature', `${scheme.header} is required`);
  const received = value.startsWith(scheme.prefix)
    ? decodeSignature(value.slice(scheme.prefix.length), scheme.encoding)
    : undefined;
  if (!received || !anySecretMatches(secrets, (s) => hmacSha256(s, req.rawBody), [received])) {
    throw new SignatureError('invalid_signature', `${scheme.header} does not match`);
  }
}
