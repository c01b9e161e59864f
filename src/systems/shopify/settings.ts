/** Shopify: the Admin REST API (X-Shopify-Access-Token) and its HMAC-signed webhooks. */
import { apiSettings, credential, defineSystemSettings, systemConfig, webhookSecrets } from '../kit/settings';

export const shopifySettings = defineSystemSettings({
  system: 'shopify',
  title: 'Shopify',
  settings: {
    ...apiSettings('shopify', {
      title: 'Shopify Admin',
      example: 'https://your-store.myshopify.com/admin/api/2025-07',
      rateLimitPerSecond: 2,
    }),
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
  webhookSecrets: 'webhookSecrets',
  api: (v) =>
    systemConfig(v, { type: 'apiKey', in: 'header', name: 'X-Shopify-Access-Token', value: v.accessToken }),
});
