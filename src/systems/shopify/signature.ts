/**
 * Shopify: `X-Shopify-Hmac-Sha256` = base64(HMAC-SHA256(app client secret, raw body)). No timestamp is
 * signed; duplicates are recognised by X-Shopify-Webhook-Id / X-Shopify-Event-Id.
 * https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook
 */
import {
  anySecretMatches,
  decodeSignature,
  header,
  hmacSha256,
  SignatureError,
  SignedRequest,
} from '../kit/hmac';

export function verifyShopifySignature(req: SignedRequest, secrets: string[]): void {
  const value = header(req.headers, 'x-shopify-hmac-sha256');
  if (!value) throw new SignatureError('missing_signature', 'X-Shopify-Hmac-Sha256 is required');
  const received = decodeSignature(value, 'base64');
  if (!received || !anySecretMatches(secrets, (s) => hmacSha256(s, req.rawBody), [received])) {
    throw new SignatureError('invalid_signature', 'X-Shopify-Hmac-Sha256 does not match');
  }
}
