/**
 * Plain HMAC-SHA256 for in-house senders: one header (name configurable) carrying
 * `<prefix><hex or base64 of HMAC-SHA256(secret, body)>`, e.g. `X-Signature: sha256=<hex>`.
 * No timestamp: in-house senders that need replay protection should use the Standard Webhooks source.
 */
import type { Config } from '../../config';
import { type SignedRequest, verifyHmacSignature } from '../kit/hmac';

export function verifyGenericHmacSignature(
  req: SignedRequest,
  secrets: string[],
  scheme: Config['genericWebhook'],
): void {
  verifyHmacSignature(req, secrets, scheme);
}
