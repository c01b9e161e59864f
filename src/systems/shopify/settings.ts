/** Shopify: the Admin REST API (X-Shopify-Access-Token) and its HMAC-signed webhooks. */
import { credential, defineApiSystemSettings, webhookSecrets } from '../kit/settings';

export const shopifySettings = defineApiSystemSettings('shopify', 'Shopify', {
  api: {
    title: 'Shopify Admin',
    example: 'https://your-store.myshopify.com/admin/api/2025-07',
    rateLimitPerSecond: 2,
  },
  auth: (v) => ({ type: 'apiKey', in: 'header', name: 'X-Shopify-Access-Token', value: v.accessToken }),
  webhookSecrets: 'webhookSecrets',
  settings: {
    accessToken: credential(
      'SHOPIFY_ACCESS_TOKEN',
      'shpat_sandbox',
      'Shopify Admin API access token (`shpat_…`)',
    ),
    webhookSecrets: webhookSecrets(
      'SHOPIFY_WEBHOOK_SECRETS',
      'sandbox-shopify-secret',
      "the Shopify app's client secret, which signs its webhooks",
    ),
  },
});
