/** ShipBob (3PL): OAuth2 client credentials against its token endpoint; Standard Webhooks signatures. */
import { schemas, setting } from '../../settings';
import { apiSettings, credential, defineSystemSettings, systemConfig, webhookSecrets } from '../kit/settings';

export const shipbobSettings = defineSystemSettings({
  system: 'shipbob',
  title: 'ShipBob',
  settings: {
    ...apiSettings('shipbob', {
      title: 'ShipBob',
      example: 'https://api.shipbob.com',
      rateLimitPerSecond: 5,
    }),
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
  webhookSecrets: 'webhookSecrets',
  api: (v) =>
    systemConfig(v, {
      type: 'oauth2ClientCredentials',
      tokenUrl: v.tokenUrl,
      clientId: v.clientId,
      clientSecret: v.clientSecret,
    }),
});
