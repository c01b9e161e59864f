/** Any Standard Webhooks (Svix) sender: a webhook sender only. */
import { defineSystemSettings, webhookSecrets } from '../kit/settings';

export const standardSettings = defineSystemSettings({
  system: 'standard',
  title: 'Standard Webhooks',
  settings: {
    webhookSecrets: webhookSecrets(
      'STANDARD_WEBHOOK_SECRETS',
      'whsec_c2FuZGJveC1zdGFuZGFyZC13ZWJob29rcw==',
      'the Standard Webhooks (Svix) signing secret (`whsec_…`)',
    ),
  },
  webhookSecrets: 'webhookSecrets',
});
