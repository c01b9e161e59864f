/** HubSpot: the CRM v3 API (private-app access token) and its v3-signed webhooks. */
import { credential, defineApiSystemSettings, webhookSecrets } from '../kit/settings';

export const hubspotSettings = defineApiSystemSettings('hubspot', 'HubSpot', {
  api: { example: 'https://api.hubapi.com', rateLimitPerSecond: 10 },
  auth: (v) => ({ type: 'bearer', token: v.accessToken }),
  webhookSecrets: 'webhookSecrets',
  settings: {
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
});
