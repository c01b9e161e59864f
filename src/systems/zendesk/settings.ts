/** Zendesk: the Support API (email/token basic auth) and its signed webhooks. */
import { schemas, setting } from '../../settings';
import { credential, defineApiSystemSettings, webhookSecrets } from '../kit/settings';

export const zendeskSettings = defineApiSystemSettings('zendesk', 'Zendesk', {
  api: { example: 'https://your-subdomain.zendesk.com', rateLimitPerSecond: 10 },
  auth: (v) => ({ type: 'basic', username: `${v.email}/token`, password: v.apiToken }),
  webhookSecrets: 'webhookSecrets',
  settings: {
    email: setting({
      env: 'ZENDESK_EMAIL',
      schema: schemas.nonEmpty,
      required: true,
      secret: false,
      sandboxDefault: 'agent@example.com',
      description: 'the Zendesk agent whose API token is used (sent as <email>/token)',
    }),
    apiToken: credential('ZENDESK_API_TOKEN', 'sandbox-zendesk-token', 'Zendesk API token'),
    webhookSecrets: webhookSecrets(
      'ZENDESK_WEBHOOK_SECRETS',
      'sandbox-zendesk-signing-secret',
      "the Zendesk webhook's signing secret",
    ),
  },
});
