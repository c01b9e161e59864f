import {
  ConfigError,
  loadConfig,
  PUBLISHED_SANDBOX_SECRETS,
  SANDBOX_API_KEY,
  workerV8Flags,
  workflowHeapFloorMb,
} from './config';
import type { SystemSettings } from './systems/kit/settings';
import { SYSTEM_SETTINGS } from './systems/settings';

const SANDBOX = { SWITCHBOARD_SANDBOX: 'true' };
const CODEC_KEY = Buffer.alloc(32, 7).toString('base64');

/** A complete environment outside the sandbox: every credential set, none of them a published one. */
function realEnv(): Record<string, string> {
  const env: Record<string, string> = {
    API_KEYS: 'a-production-api-key-0001',
    HUBSPOT_ACCESS_TOKEN: 'a-production-credential-0001',
    MAILCHIMP_API_KEY: 'a-production-credential-0001',
    MAILCHIMP_LIST_ID: 'list-1',
    SLACK_BOT_TOKEN: 'a-production-credential-0001',
    STRIPE_SECRET_KEY: 'a-production-credential-0001',
    SHOPIFY_ACCESS_TOKEN: 'a-production-credential-0001',
    ZENDESK_EMAIL: 'agent@example.com',
    ZENDESK_API_TOKEN: 'a-production-credential-0001',
    MANDRILL_API_KEY: 'a-production-credential-0001',
    SHIPBOB_CLIENT_ID: 'a-production-credential-0001',
    SHIPBOB_CLIENT_SECRET: 'a-production-credential-0001',
    SHIPBOB_TOKEN_URL: 'https://shipbob.example.com/oauth/token',
    SHIPBOB_CHANNEL_ID: '1',
  };
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
    env[`${system}_BASE_URL`] = `https://${system.toLowerCase()}.example.com`;
  // A system added since (npm run new-system): each required setting gets a value it accepts.
  for (const module of Object.values(SYSTEM_SETTINGS as Record<string, SystemSettings>))
    for (const s of Object.values(module.settings))
      if (s.required && s.default === undefined && env[s.env] === undefined)
        env[s.env] =
          [s.example, 'a-production-credential-0001'].find((v) => v && s.schema.safeParse(v).success) ?? '';
  return env;
}

/** realEnv() as production needs it. */
function productionEnv(): Record<string, string> {
  return { ...realEnv(), NODE_ENV: 'production', PAYLOAD_CODEC_KEY: CODEC_KEY };
}

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message.split('\n');
  }
  throw new Error('loadConfig accepted the environment');
};

describe('in the sandbox (SWITCHBOARD_SANDBOX=true)', () => {
  test('unset settings point every system at the local sandbox, on loopback', () => {
    const config = loadConfig(SANDBOX);
    expect(config.sandbox).toEqual({ enabled: true, port: 4100, baseUrl: 'http://127.0.0.1:4100' });
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(3000);
    expect(config.apiKeys).toEqual([SANDBOX_API_KEY]);
    expect(config.systems.hubspot.baseUrl).toBe('http://127.0.0.1:4100/hubspot');
    expect(config.systems.mailchimp.auth).toEqual({
      type: 'basic',
      username: 'switchboard',
      password: expect.any(String),
    });
    expect(config.webhookSecrets.github).toHaveLength(1);
    expect(config.contactSync.mailchimpListId).toBe('sandbox-list');
    expect(config.temporal.address).toBeUndefined();
    expect(config.temporal.namespace).toBe('default');
  });

  test('the sandbox base URL follows SANDBOX_PORT', () => {
    const config = loadConfig({ ...SANDBOX, SANDBOX_PORT: '4200' });
    expect(config.systems.shipbob.auth).toMatchObject({
      tokenUrl: 'http://127.0.0.1:4200/shipbob/oauth/token',
    });
  });

  test('is refused in production', () => {
    expect(() => loadConfig({ ...SANDBOX, NODE_ENV: 'production' })).toThrow(
      /^SWITCHBOARD_SANDBOX=true is refused with NODE_ENV=production/,
    );
  });

  test.each(['0.0.0.0', '::', '192.168.1.20', 'switchboard.example.com'])(
    'is refused on a non-loopback HOST (%s): its published secrets only serve this machine',
    (host) => {
      expect(problemsOf({ ...SANDBOX, HOST: host })).toEqual([
        expect.stringMatching(new RegExp(`^SWITCHBOARD_SANDBOX=true is refused with HOST=${host}:`)),
      ]);
    },
  );

  test.each(['127.0.0.1', 'localhost', '::1', '127.0.0.2'])('works on loopback HOST=%s', (host) => {
    expect(loadConfig({ ...SANDBOX, HOST: host }).host).toBe(host);
  });
});

test('settings come from the environment', () => {
  const config = loadConfig({
    ...SANDBOX,
    PORT: '8080',
    TEMPORAL_ADDRESS: 'my-ns.tmprl.cloud:7233',
    TEMPORAL_NAMESPACE: 'my-ns',
    TEMPORAL_API_KEY: 'k',
    HUBSPOT_BASE_URL: 'https://api.hubapi.com/',
    HUBSPOT_WEBHOOK_SECRETS: 'old-secret, new-secret',
    MAILCHIMP_RATE_LIMIT_PER_SECOND: '2.5',
    DEAL_WON_CURRENCY: 'EUR',
    GENERIC_WEBHOOK_HEADER: 'X-Acme-Signature',
    GENERIC_WEBHOOK_PREFIX: '',
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
  expect(config.dealWon.currency).toBe('eur');
  // Set but empty is a value here: no prefix.
  expect(config.genericWebhook).toEqual({ header: 'x-acme-signature', encoding: 'hex', prefix: '' });
});

test.each([
  [{ PORT: 'eighty' }, /^PORT="eighty" is invalid/],
  [{ HUBSPOT_BASE_URL: 'not a url' }, /^HUBSPOT_BASE_URL=.* is invalid/],
  [{ MAILCHIMP_RATE_LIMIT_PER_SECOND: '0' }, /^MAILCHIMP_RATE_LIMIT_PER_SECOND="0" is invalid/],
  [{ TEMPORAL_TLS: 'maybe' }, /^TEMPORAL_TLS="maybe" is invalid/],
  [{ API_KEYS: 'short' }, /^API_KEYS=<redacted> is invalid/],
  [{ SWITCHBOARD_SANDBOX: 'yes' }, /^SWITCHBOARD_SANDBOX="yes" is invalid/],
  [{ CONTACT_SYNC_IDLE_TIMEOUT: '1d' }, /^CONTACT_SYNC_IDLE_TIMEOUT="1d" is invalid/],
])('a bad value stops start-up naming the variable: %j', (env, message) => {
  expect(() => loadConfig({ ...SANDBOX, ...env })).toThrow(ConfigError);
  expect(() => loadConfig({ ...SANDBOX, ...env })).toThrow(message);
});

test('secret values never appear in config errors', () => {
  const messages = [
    ...problemsOf({ ...SANDBOX, HUBSPOT_WEBHOOK_SECRETS: ' , ' }),
    ...problemsOf({ ...realEnv(), HOST: '0.0.0.0', API_KEYS: SANDBOX_API_KEY }),
  ];
  expect(messages[0]).toMatch(/^HUBSPOT_WEBHOOK_SECRETS=<redacted>/);
  for (const message of messages) expect(message).not.toContain(SANDBOX_API_KEY);
});

describe('outside the sandbox, start-up fails closed', () => {
  test('with no settings at all, every missing variable is named at once, with the way out', () => {
    const problems = problemsOf({});
    for (const name of [
      'API_KEYS',
      'HUBSPOT_BASE_URL',
      'HUBSPOT_ACCESS_TOKEN',
      'MAILCHIMP_API_KEY',
      'SHIPBOB_TOKEN_URL',
      'MAILCHIMP_LIST_ID',
      'SHIPBOB_CHANNEL_ID',
    ])
      expect(problems).toContain(`${name} is required but not set`);
    expect(problems.at(-1)).toMatch(/SWITCHBOARD_SANDBOX=true/);
  });

  test.each<Record<string, string>>([
    {},
    { NODE_ENV: 'development' },
    { NODE_ENV: 'test' },
    { SWITCHBOARD_SANDBOX: 'false' },
  ])('no sandbox default applies whatever NODE_ENV says: %j', (env) => {
    const { HUBSPOT_ACCESS_TOKEN: _, ...withoutToken } = realEnv();
    expect(problemsOf({ ...withoutToken, ...env })).toEqual([
      'HUBSPOT_ACCESS_TOKEN is required but not set',
      expect.stringMatching(/SWITCHBOARD_SANDBOX=true/),
    ]);
  });

  test('a complete environment loads: all interfaces, webhook senders without secrets are off', () => {
    const config = loadConfig({ ...realEnv(), STRIPE_WEBHOOK_SECRETS: 'whsec_a-real-one' });
    expect(config.sandbox.enabled).toBe(false);
    expect(config.host).toBe('0.0.0.0');
    expect(config.webhookSecrets.stripe).toEqual(['whsec_a-real-one']);
    expect(config.webhookSecrets.github).toEqual([]);
    expect(config.webhookSecrets.hubspot).toEqual([]);
    expect(config.systems.stripe.auth).toEqual({ type: 'bearer', token: 'a-production-credential-0001' });
  });

  test.each([
    ['API_KEYS', SANDBOX_API_KEY],
    ['API_READ_KEYS', `a-read-key-of-our-own, ${SANDBOX_API_KEY}`],
    ['HUBSPOT_WEBHOOK_SECRETS', 'sandbox-hubspot-client-secret'],
    ['STANDARD_WEBHOOK_SECRETS', 'whsec_c2FuZGJveC1zdGFuZGFyZC13ZWJob29rcw=='],
    ['GITHUB_WEBHOOK_SECRETS', 'a-real-one, sandbox-github-secret'],
    // Any published value, not only the variable's own.
    ['SLACK_SIGNING_SECRETS', 'sandbox-shopify-secret'],
  ])('a non-loopback gateway refuses a published sandbox value in %s', (name, value) => {
    const env = { ...realEnv(), [name]: value, PUBLIC_BASE_URL: 'https://hooks.example.com' };
    expect(problemsOf({ ...env, HOST: '0.0.0.0' })).toEqual([
      `${name} holds a sandbox value published in this repository: refused with HOST=0.0.0.0 (not loopback); set a secret of your own`,
    ]);
    expect(problemsOf({ ...env, NODE_ENV: 'production', PAYLOAD_CODEC_KEY: CODEC_KEY })[0]).toMatch(
      new RegExp(`^${name} holds a sandbox value`),
    );
    // On loopback, outside the sandbox, nobody else can reach it: accepted.
    expect(() => loadConfig({ ...env, HOST: '127.0.0.1' })).not.toThrow();
  });

  test('the published values are the sandbox secrets and API key', () => {
    expect(PUBLISHED_SANDBOX_SECRETS).toContain(SANDBOX_API_KEY);
    expect(PUBLISHED_SANDBOX_SECRETS).toContain('sandbox-hubspot-client-secret');
    expect(PUBLISHED_SANDBOX_SECRETS).toContain('sandbox-hubspot-token');
    expect(PUBLISHED_SANDBOX_SECRETS).not.toContain('127.0.0.1');
  });
});

describe('in production (NODE_ENV=production)', () => {
  test('a complete environment loads', () => {
    const config = loadConfig(productionEnv());
    expect(config.production).toBe(true);
    expect(config.temporal.codecKey).toBe(CODEC_KEY);
  });

  test('PAYLOAD_CODEC_KEY is required unless PAYLOAD_CODEC_DISABLED=true says so', () => {
    const { PAYLOAD_CODEC_KEY: _, ...withoutKey } = productionEnv();
    expect(problemsOf(withoutKey)).toEqual([
      expect.stringMatching(/^PAYLOAD_CODEC_KEY is required in production/),
    ]);
    expect(loadConfig({ ...withoutKey, PAYLOAD_CODEC_DISABLED: 'true' }).temporal.codecKey).toBeUndefined();
    expect(problemsOf({ ...withoutKey, PAYLOAD_CODEC_DISABLED: 'false' })[0]).toMatch(/^PAYLOAD_CODEC_KEY/);
  });

  test('a key and PAYLOAD_CODEC_DISABLED=true contradict each other (any mode)', () => {
    expect(problemsOf({ ...productionEnv(), PAYLOAD_CODEC_DISABLED: 'true' })).toEqual([
      expect.stringMatching(/^PAYLOAD_CODEC_DISABLED=true contradicts PAYLOAD_CODEC_KEY/),
    ]);
    expect(() =>
      loadConfig({ ...SANDBOX, PAYLOAD_CODEC_KEY: CODEC_KEY, PAYLOAD_CODEC_DISABLED: 'true' }),
    ).toThrow(/contradicts/);
  });

  test('CODEC_ALLOW_UNAUTHENTICATED=true is refused', () => {
    expect(problemsOf({ ...productionEnv(), CODEC_ALLOW_UNAUTHENTICATED: 'true' })).toEqual([
      expect.stringMatching(/^CODEC_ALLOW_UNAUTHENTICATED=true is refused in production/),
    ]);
    expect(
      loadConfig({ ...productionEnv(), CODEC_ALLOW_UNAUTHENTICATED: 'false' }).codecAllowUnauthenticated,
    ).toBe(false);
    // Outside production it stays a choice (`npm start` turns it on for the local Web UI).
    expect(loadConfig({ ...SANDBOX, CODEC_ALLOW_UNAUTHENTICATED: 'true' }).codecAllowUnauthenticated).toBe(
      true,
    );
  });

  test('PUBLIC_BASE_URL is required once HubSpot webhooks are on (v3 signs the full https URL)', () => {
    const withHubspot = { ...productionEnv(), HUBSPOT_WEBHOOK_SECRETS: 'hubspot-client-secret' };
    expect(problemsOf(withHubspot)).toEqual([
      expect.stringMatching(/^PUBLIC_BASE_URL is required in production when HUBSPOT_WEBHOOK_SECRETS is set/),
    ]);
    const config = loadConfig({ ...withHubspot, PUBLIC_BASE_URL: 'https://hooks.example.com' });
    expect(config.webhookSecrets.hubspot).toEqual(['hubspot-client-secret']);
    expect(config.publicBaseUrl).toBe('https://hooks.example.com');
    // Without HubSpot webhooks there is nothing to sign against.
    expect(loadConfig(productionEnv()).publicBaseUrl).toBeUndefined();
  });

  test('systems still need credentials; every problem is reported at once, missing values first', () => {
    const { STRIPE_SECRET_KEY: _, PAYLOAD_CODEC_KEY: __, ...env } = productionEnv();
    expect(
      problemsOf({ ...env, CODEC_ALLOW_UNAUTHENTICATED: 'true', PAYLOAD_CODEC_DISABLED: 'maybe' }),
    ).toEqual([
      expect.stringMatching(/^PAYLOAD_CODEC_DISABLED="maybe" is invalid/),
      'STRIPE_SECRET_KEY is required but not set',
      expect.stringMatching(/^PAYLOAD_CODEC_KEY is required in production/),
      expect.stringMatching(/^CODEC_ALLOW_UNAUTHENTICATED=true is refused in production/),
      expect.stringMatching(/SWITCHBOARD_SANDBOX=true/),
    ]);
  });
});

test('WORKER_METRICS_ADDRESS must be host:port', () => {
  expect(loadConfig({ ...SANDBOX, WORKER_METRICS_ADDRESS: '0.0.0.0:9464' }).workerMetricsAddress).toBe(
    '0.0.0.0:9464',
  );
  expect(() => loadConfig({ ...SANDBOX, WORKER_METRICS_ADDRESS: '9464' })).toThrow(
    /^WORKER_METRICS_ADDRESS="9464" is invalid/,
  );
});

test('PUBLIC_BASE_URL loses its trailing slash (the path is appended to rebuild the signed URL)', () => {
  expect(loadConfig({ ...SANDBOX, PUBLIC_BASE_URL: 'https://hooks.example.com/' }).publicBaseUrl).toBe(
    'https://hooks.example.com',
  );
});

test('the workflow heap floor: 0.25 MB per cached run with shared modules, 1.4 MB without', () => {
  expect(workflowHeapFloorMb(200)).toBe(150);
  expect(workflowHeapFloorMb(200, false)).toBe(380);
});

test("the worker's heap flags: 20% growth and 4 MB semi-spaces unless set, within V8's bounds", () => {
  expect(workerV8Flags(loadConfig(SANDBOX))).toEqual([
    '--heap-growing-percent=20',
    '--max-semi-space-size=4',
  ]);
  expect(
    workerV8Flags(loadConfig({ ...SANDBOX, WORKER_HEAP_GROWING_PERCENT: '50', WORKER_SEMI_SPACE_MB: '16' })),
  ).toEqual(['--heap-growing-percent=50', '--max-semi-space-size=16']);
  expect(() => loadConfig({ ...SANDBOX, WORKER_HEAP_GROWING_PERCENT: '-1' })).toThrow(
    /WORKER_HEAP_GROWING_PERCENT/,
  );
  expect(() => loadConfig({ ...SANDBOX, WORKER_SEMI_SPACE_MB: 'lots' })).toThrow(/WORKER_SEMI_SPACE_MB/);
});

test('WORKER_REPLICAS: one workers process unless set; a count, at least 1', () => {
  expect(loadConfig(SANDBOX).workerReplicas).toBe(1);
  expect(loadConfig({ ...SANDBOX, WORKER_REPLICAS: '3' }).workerReplicas).toBe(3);
  expect(() => loadConfig({ ...SANDBOX, WORKER_REPLICAS: '0' })).toThrow(/WORKER_REPLICAS/);
});

test('WORKER_WORKFLOW_HEAP_MB must hold WORKER_MAX_CACHED_WORKFLOWS runs', () => {
  const cfg = loadConfig(SANDBOX);
  expect([cfg.workerMaxCachedWorkflows, cfg.workerWorkflowHeapMb]).toEqual([200, 256]);
  expect(() => loadConfig({ ...SANDBOX, WORKER_MAX_CACHED_WORKFLOWS: '1000' })).toThrow(
    /WORKER_WORKFLOW_HEAP_MB=256 cannot hold WORKER_MAX_CACHED_WORKFLOWS=1000 runs: at least 350 MB/,
  );
  expect(
    loadConfig({ ...SANDBOX, WORKER_MAX_CACHED_WORKFLOWS: '1000', WORKER_WORKFLOW_HEAP_MB: '350' })
      .workerWorkflowHeapMb,
  ).toBe(350);
});
