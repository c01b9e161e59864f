import { ConfigError, loadConfig } from './config';

test('defaults point every system at the local sandbox outside production', () => {
  const config = loadConfig({});
  expect(config.port).toBe(3000);
  expect(config.systems.hubspot.baseUrl).toBe('http://127.0.0.1:4100/hubspot');
  expect(config.systems.mailchimp.auth).toEqual({
    type: 'basic',
    username: 'switchboard',
    password: expect.any(String),
  });
  expect(config.temporal.address).toBeUndefined();
  expect(config.temporal.namespace).toBe('default');
});

test('settings come from the environment', () => {
  const config = loadConfig({
    PORT: '8080',
    TEMPORAL_ADDRESS: 'my-ns.tmprl.cloud:7233',
    TEMPORAL_NAMESPACE: 'my-ns',
    TEMPORAL_API_KEY: 'k',
    HUBSPOT_BASE_URL: 'https://api.hubapi.com/',
    HUBSPOT_WEBHOOK_SECRETS: 'old-secret, new-secret',
    MAILCHIMP_RATE_LIMIT_PER_SECOND: '2.5',
  });
  expect(config.port).toBe(8080);
  expect(config.temporal).toMatchObject({
    address: 'my-ns.tmprl.cloud:7233',
    namespace: 'my-ns',
    apiKey: 'k',
  });
  expect(config.systems.hubspot.baseUrl).toBe('https://api.hubapi.com');
  expect(config.webhookSecrets.hubspot).toEqual(['old-secret', 'new-secret']);
  expect(config.systems.mailchimp.rateLimitPerSecond).toBe(2.5);
});

test.each([
  [{ PORT: 'eighty' }, /^PORT="eighty" is invalid/],
  [{ HUBSPOT_BASE_URL: 'not a url' }, /^HUBSPOT_BASE_URL=.* is invalid/],
  [{ MAILCHIMP_RATE_LIMIT_PER_SECOND: '0' }, /^MAILCHIMP_RATE_LIMIT_PER_SECOND="0" is invalid/],
  [{ TEMPORAL_TLS: 'maybe' }, /^TEMPORAL_TLS="maybe" is invalid/],
  [{ API_KEYS: 'short' }, /^API_KEYS=<redacted> is invalid/],
])('a bad value stops start-up naming the variable: %j', (env, message) => {
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(message);
});

test('in production the sandbox defaults do not apply: a missing credential names its variable', () => {
  expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/is required but not set/);
  expect(() => loadConfig({ NODE_ENV: 'production', HUBSPOT_BASE_URL: 'https://api.hubapi.com' })).toThrow(
    /^HUBSPOT_ACCESS_TOKEN is required/,
  );
});

test('secret values never appear in config errors', () => {
  expect(() => loadConfig({ HUBSPOT_WEBHOOK_SECRETS: ' , ' })).toThrow(/^HUBSPOT_WEBHOOK_SECRETS=<redacted>/);
});

test('in production a webhook sender without secrets is simply off; systems still need credentials', () => {
  const production: Record<string, string> = { NODE_ENV: 'production' };
  for (const name of [
    'API_KEYS',
    'HUBSPOT_ACCESS_TOKEN',
    'MAILCHIMP_API_KEY',
    'MAILCHIMP_LIST_ID',
    'SLACK_BOT_TOKEN',
    'STRIPE_SECRET_KEY',
    'SHOPIFY_ACCESS_TOKEN',
    'ZENDESK_EMAIL',
    'ZENDESK_API_TOKEN',
    'MANDRILL_API_KEY',
    'SHIPBOB_CLIENT_ID',
    'SHIPBOB_CLIENT_SECRET',
  ])
    production[name] = name === 'ZENDESK_EMAIL' ? 'agent@example.com' : 'a-production-credential-0001';
  for (const system of [
    'HUBSPOT',
    'MAILCHIMP',
    'SLACK',
    'STRIPE',
    'SHOPIFY',
    'ZENDESK',
    'MANDRILL',
    'SHIPBOB',
  ])
    production[`${system}_BASE_URL`] = `https://${system.toLowerCase()}.example.com`;
  production.SHIPBOB_TOKEN_URL = 'https://shipbob.example.com/oauth/token';
  production.SHIPBOB_CHANNEL_ID = '1';
  production.HUBSPOT_WEBHOOK_SECRETS = 'hubspot-client-secret';

  const config = loadConfig(production);
  expect(config.webhookSecrets.hubspot).toEqual(['hubspot-client-secret']);
  expect(config.webhookSecrets.github).toEqual([]);
  expect(() => loadConfig({ ...production, STRIPE_SECRET_KEY: '' })).toThrow(/STRIPE_SECRET_KEY is required/);
});

test('WORKER_METRICS_ADDRESS must be host:port', () => {
  expect(loadConfig({ WORKER_METRICS_ADDRESS: '0.0.0.0:9464' }).workerMetricsAddress).toBe('0.0.0.0:9464');
  expect(() => loadConfig({ WORKER_METRICS_ADDRESS: '9464' })).toThrow(
    /^WORKER_METRICS_ADDRESS="9464" is invalid/,
  );
});

test('PUBLIC_BASE_URL loses its trailing slash (the path is appended to rebuild the signed URL)', () => {
  expect(loadConfig({ PUBLIC_BASE_URL: 'https://hooks.example.com/' }).publicBaseUrl).toBe(
    'https://hooks.example.com',
  );
});
