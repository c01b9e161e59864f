/** Stripe: the API (secret key, Bearer) and its signed webhooks. */
import { credential, defineApiSystemSettings, webhookSecrets } from '../kit/settings';

export const stripeSettings = defineApiSystemSettings('stripe', 'Stripe', {
  api: { example: 'https://api.stripe.com', rateLimitPerSecond: 25 },
  webhookSecrets: 'webhookSecrets',
  auth: (v) => ({ type: 'bearer', token: v.secretKey }),
  settings: {
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
});
