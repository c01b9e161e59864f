/** ShipBob (3PL): OAuth2 client credentials against its token endpoint; Standard Webhooks signatures. */
import { schemas, setting } from '../../settings';
import { credential, defineApiSystemSettings, webhookSecrets } from '../kit/settings';

export const shipbobSettings = defineApiSystemSettings('shipbob', 'ShipBob', {
  api: { example: 'https://api.shipbob.com', rateLimitPerSecond: 5 },
  auth: ({ tokenUrl, clientId, clientSecret }) => ({
    type: 'oauth2ClientCredentials',
    tokenUrl,
    clientId,
    clientSecret,
  }),
  webhookSecrets: 'webhookSecrets',
  settings: {
    tokenUrl: setting({
      env: 'SHIPBOB_TOKEN_URL',
      schema: schemas.url,
      required: true,
      secret: false,
      sandboxDefault: (sandbox) => `${sandbox.url}/shipbob/oauth/token`,
      example: 'https://auth.shipbob.com/connect/token',
      description: "ShipBob's OAuth2 token endpoint",
    }),
    clientId: credential('SHIPBOB_CLIENT_ID', 'sandbox-shipbob-client', 'ShipBob OAuth2 client id'),
    clientSecret: credential(
      'SHIPBOB_CLIENT_SECRET',
      'sandbox-shipbob-secret',
      'ShipBob OAuth2 client secret',
    ),
    // ShipBob signs its webhooks with the Standard Webhooks scheme (whsec_ secrets).
    webhookSecrets: webhookSecrets(
      'SHIPBOB_WEBHOOK_SECRETS',
      'whsec_c2FuZGJveC1zaGlwYm9iLXdlYmhvb2tz',
      'the ShipBob webhook subscription secret (`whsec_…`, Standard Webhooks)',
    ),
  },
});
