/** HubSpot: the CRM v3 API (private-app access token) and its v3-signed webhooks. */
import { apiSettings, credential, defineSystemSettings, systemConfig, webhookSecrets } from '../kit/settings';

export const hubspotSettings = defineSystemSettings({
  system: 'hubspot',
  title: 'HubSpot',
  settings: {
    ...apiSettings('hubspot', {
      title: 'HubSpot',
      example: 'https://api.hubapi.com',
      rateLimitPerSecond: 10,
    }),
    accessToken: credential(
      'HUBSPOT_ACCESS_TOKEN',
      'sandbox-hubspot-token',
      'HubSpot private-app access token (Bearer), as the CRM v3 API takes it',
    ),
    webhookSecrets: webhookSecrets(
      'HUBSPOT_WEBHOOK_SECRETS',
      'sandbox-hubspot-client-secret',
      "the HubSpot app's client secret, which signs its v3 webhooks",
    ),
  },
  webhookSecrets: 'webhookSecrets',
  api: (v) => systemConfig(v, { type: 'bearer', token: v.accessToken }),
});
