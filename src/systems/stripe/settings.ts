/** Stripe: the API (secret key, Bearer) and its signed webhooks. */
import { apiSettings, credential, defineSystemSettings, systemConfig, webhookSecrets } from '../kit/settings';

export const stripeSettings = defineSystemSettings({
  system: 'stripe',
  title: 'Stripe',
  settings: {
    ...apiSettings('stripe', { title: 'Stripe', example: 'https://api.stripe.com', rateLimitPerSecond: 25 }),
    secretKey: credential(
      'STRIPE_SECRET_KEY',
      'sk_test_sandbox',
      'Stripe secret key (`sk_live_…` / `sk_test_…`)',
    ),
    webhookSecrets: webhookSecrets(
      'STRIPE_WEBHOOK_SECRETS',
      'whsec_sandbox_stripe',
      "the Stripe webhook endpoint's signing secret (`whsec_…`)",
    ),
  },
  webhookSecrets: 'webhookSecrets',
  api: (v) => systemConfig(v, { type: 'bearer', token: v.secretKey }),
});
