/**
 * Shopify: `X-Shopify-Hmac-Sha256` = base64(HMAC-SHA256(app client secret, raw body)). No timestamp is
 * signed; duplicates are recognised by X-Shopify-Webhook-Id / X-Shopify-Event-Id.
 * https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-5-verify-the-webhook
 */
import { type HmacScheme, type SignedRequest, verifyHmacSignature } from '../kit/hmac';

const SHOPIFY: HmacScheme = { header: 'X-Shopify-Hmac-Sha256', encoding: 'base64' };

export function verifyShopifySignature(req: SignedRequest, secrets: string[]): void {
  verifyHmacSignature(req, secrets, SHOPIFY);
}
