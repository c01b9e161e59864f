/**
 * Every setting, parsed once from the environment with zod. A bad value stops start-up with a message
 * naming the variable. Outside production, unset external-system settings default to the local sandbox
 * (src/sandbox) so `npm start` is a live demo; in production (NODE_ENV=production) they are required.
 */
import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import { SYSTEMS, SystemName } from './systems/index';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type AuthConfig =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'apiKey'; in: 'header' | 'query' | 'body'; name: string; value: string }
  | {
      type: 'oauth2ClientCredentials';
      tokenUrl: string;
      clientId: string;
      clientSecret: string;
      scope?: string;
    }
  | {
      type: 'oauth2RefreshToken';
      tokenUrl: string;
      clientId: string;
      clientSecret: string;
      refreshToken: string;
    };

export interface SystemConfig {
  baseUrl: string;
  auth: AuthConfig;
  timeoutMs: number;
  /** Activities per second across every worker, enforced by the Temporal server on the system's queue. */
  rateLimitPerSecond: number;
}

export type WebhookSource =
  | 'hubspot'
  | 'stripe'
  | 'github'
  | 'shopify'
  | 'slack'
  | 'standard'
  | 'generic'
  | 'zendesk'
  | 'shipbob';

export interface Config {
  production: boolean;
  port: number;
  logLevel: string;
  /** The public origin senders sign against (HubSpot v3 signs the full URL); else taken from the request. */
  publicBaseUrl?: string;
  /** Keys for the management API (Authorization: Bearer): full access. */
  apiKeys: string[];
  /** Keys that may only read (GET): dashboards, on-call tooling. */
  apiReadKeys: string[];
  webhookBodyLimitBytes: number;
  /** Where the worker serves the SDK's Prometheus metrics (`host:port`); unset: not served. */
  workerMetricsAddress?: string;
  /** The Web UI's codec endpoint without an API key (the browser cannot send one); off in production. */
  codecAllowUnauthenticated?: boolean;
  webhookSecrets: Record<WebhookSource, string[]>;
  genericWebhook: { header: string; encoding: 'hex' | 'base64'; prefix: string };
  temporal: {
    address?: string;
    namespace: string;
    taskQueue: string;
    tls: boolean;
    apiKey?: string;
    clientCertPath?: string;
    clientKeyPath?: string;
    cliPath?: string;
    dataDir: string;
    grpcPort: number;
    uiPort: number;
    webUiUrl: string;
    codecKey?: string;
  };
  sandbox: { port: number; baseUrl: string };
  systems: Record<SystemName, SystemConfig>;
  alerts: { webhookUrl?: string };
  contactSync: { mailchimpListId: string; idleTimeout: Duration };
  addressPropagation: { idleTimeout: Duration; targetTimeout: Duration };
  /** The scheduled full sync: every CRM contact, page by page; interval 'off' disables the schedule. */
  contactFullSync: { interval: Duration | 'off'; pageSize: number; pagesPerRun: number; concurrency: number };
  dealWon: {
    slackChannel: string;
    /** Deals at or above this amount (deal currency, major units) are announced on Slack. */
    slackThreshold: number;
    financeChannel: string;
    currency: string;
    daysUntilDue: number;
    /** Pipeline stage ids that mean "won" (closedwon in the default pipeline). */
    wonStages: string[];
  };
  orderFulfillment: { shipbobChannelId: string; shippingMethod: string; maxWait: Duration };
  ticketSurvey: { delay: Duration; mandrillTemplate: string; fromEmail: string; surveyUrl: string };
}

type Env = Record<string, string | undefined>;

/** The management API key outside production when API_KEYS is unset (printed by `npm start`). */
export const SANDBOX_API_KEY = 'sandbox-api-key-change-me';

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const positiveNumber = z.coerce.number().positive();
const url = z.url();
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const durationString = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration like 30s, 5m or 24h');
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** Reads one variable through its schema; the error names the variable and says what was wrong. */
function read<S extends z.ZodType>(env: Env, name: string, schema: S, fallback?: string): z.output<S> {
  const raw = env[name] === undefined || env[name] === '' ? fallback : env[name];
  if (raw === undefined) throw new ConfigError(`${name} is required but not set`);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const shown = /SECRET|TOKEN|KEY|PASSWORD|URL/.test(name) ? '<redacted>' : JSON.stringify(raw);
    throw new ConfigError(`${name}=${shown} is invalid: ${parsed.error.issues[0]?.message ?? 'bad value'}`);
  }
  return parsed.data;
}

function optional(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

export function loadConfig(env: Env = process.env): Config {
  const production = env.NODE_ENV === 'production';
  /** Sandbox defaults apply only outside production. */
  const dev = (value: string): string | undefined => (production ? undefined : value);

  const sandboxPort = read(env, 'SANDBOX_PORT', port, '4100');
  const sandboxBaseUrl = read(env, 'SANDBOX_URL', url, `http://127.0.0.1:${sandboxPort}`);
  const sandboxUrl = (system: string) => dev(`${sandboxBaseUrl}/${system}`);

  const systemConfig = (system: SystemName, auth: AuthConfig, defaultRate: number): SystemConfig => {
    const upper = system.toUpperCase();
    return {
      baseUrl: read(env, `${upper}_BASE_URL`, url, sandboxUrl(system)).replace(/\/$/, ''),
      auth,
      timeoutMs: read(env, `${upper}_TIMEOUT_MS`, positiveInt, '10000'),
      rateLimitPerSecond: read(env, `${upper}_RATE_LIMIT_PER_SECOND`, positiveNumber, String(defaultRate)),
    };
  };
  const secret = (name: string, sandboxValue: string) =>
    read(env, name, z.string().min(1), dev(sandboxValue));

  const systems: Record<SystemName, SystemConfig> = {
    // HubSpot private-app access token (Bearer), as the real CRM v3 API takes it.
    hubspot: systemConfig(
      'hubspot',
      { type: 'bearer', token: secret('HUBSPOT_ACCESS_TOKEN', 'sandbox-hubspot-token') },
      10,
    ),
    // Mailchimp Marketing API: HTTP basic auth, any username, the API key as password.
    mailchimp: systemConfig(
      'mailchimp',
      {
        type: 'basic',
        username: 'switchboard',
        password: secret('MAILCHIMP_API_KEY', 'sandbox-mailchimp-key-us1'),
      },
      10,
    ),
    slack: systemConfig(
      'slack',
      { type: 'bearer', token: secret('SLACK_BOT_TOKEN', 'xoxb-sandbox-slack-token') },
      1,
    ),
    stripe: systemConfig(
      'stripe',
      { type: 'bearer', token: secret('STRIPE_SECRET_KEY', 'sk_test_sandbox') },
      25,
    ),
    shopify: systemConfig(
      'shopify',
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Shopify-Access-Token',
        value: secret('SHOPIFY_ACCESS_TOKEN', 'shpat_sandbox'),
      },
      2,
    ),
    zendesk: systemConfig(
      'zendesk',
      {
        type: 'basic',
        username: `${read(env, 'ZENDESK_EMAIL', z.string().min(1), dev('agent@example.com'))}/token`,
        password: secret('ZENDESK_API_TOKEN', 'sandbox-zendesk-token'),
      },
      10,
    ),
    // Mailchimp Transactional (Mandrill): the API key travels in the JSON body as `key`.
    mandrill: systemConfig(
      'mandrill',
      { type: 'apiKey', in: 'body', name: 'key', value: secret('MANDRILL_API_KEY', 'md-sandbox-key') },
      10,
    ),
    // ShipBob (3PL): OAuth2 client credentials against its token endpoint.
    shipbob: systemConfig(
      'shipbob',
      {
        type: 'oauth2ClientCredentials',
        tokenUrl: read(
          env,
          'SHIPBOB_TOKEN_URL',
          url,
          sandboxUrl('shipbob') && `${sandboxUrl('shipbob')}/oauth/token`,
        ),
        clientId: secret('SHIPBOB_CLIENT_ID', 'sandbox-shipbob-client'),
        clientSecret: secret('SHIPBOB_CLIENT_SECRET', 'sandbox-shipbob-secret'),
      },
      5,
    ),
  };

  const temporalPort = read(env, 'TEMPORAL_PORT', port, '7233');
  const uiPort = read(env, 'TEMPORAL_UI_PORT', port, '8233');
  // In production a sender without secrets is simply not accepted (its webhooks get 404), so a business
  // configures only the senders it uses.
  const webhookSecret = (name: string, sandboxValue: string): string[] =>
    production && optional(env, name) === undefined
      ? []
      : read(
          env,
          name,
          list.pipe(z.array(z.string()).min(1, 'needs at least one secret')),
          dev(sandboxValue),
        );

  const duration = (name: string, fallback: string) =>
    read(
      env,
      name,
      z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration like 30s, 24h or 7d'),
      fallback,
    ) as Duration;

  const config: Config = {
    production,
    port: read(env, 'PORT', port, '3000'),
    logLevel: read(
      env,
      'LOG_LEVEL',
      z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
      'info',
    ),
    // No trailing slash: the request path is appended to it to rebuild the URL the sender signed.
    publicBaseUrl: optional(env, 'PUBLIC_BASE_URL') && read(env, 'PUBLIC_BASE_URL', url).replace(/\/+$/, ''),
    apiKeys: read(
      env,
      'API_KEYS',
      list.pipe(z.array(z.string().min(16, 'keys need 16+ characters')).min(1)),
      dev(SANDBOX_API_KEY),
    ),
    apiReadKeys: read(
      env,
      'API_READ_KEYS',
      list.pipe(z.array(z.string().min(16, 'keys need 16+ characters'))),
      '',
    ),
    workerMetricsAddress:
      optional(env, 'WORKER_METRICS_ADDRESS') &&
      read(env, 'WORKER_METRICS_ADDRESS', z.string().regex(/^[^:]+:\d+$/, 'host:port, e.g. 0.0.0.0:9464')),
    // Unset means no (an API key is needed); `npm start` turns it on for the local Web UI.
    codecAllowUnauthenticated:
      optional(env, 'CODEC_ALLOW_UNAUTHENTICATED') === undefined
        ? undefined
        : read(env, 'CODEC_ALLOW_UNAUTHENTICATED', bool),
    webhookBodyLimitBytes: read(env, 'WEBHOOK_BODY_LIMIT_BYTES', positiveInt, String(1024 * 1024)),
    webhookSecrets: {
      hubspot: webhookSecret('HUBSPOT_WEBHOOK_SECRETS', 'sandbox-hubspot-client-secret'),
      stripe: webhookSecret('STRIPE_WEBHOOK_SECRETS', 'whsec_sandbox_stripe'),
      github: webhookSecret('GITHUB_WEBHOOK_SECRETS', 'sandbox-github-secret'),
      shopify: webhookSecret('SHOPIFY_WEBHOOK_SECRETS', 'sandbox-shopify-secret'),
      slack: webhookSecret('SLACK_SIGNING_SECRETS', 'sandbox-slack-signing-secret'),
      standard: webhookSecret('STANDARD_WEBHOOK_SECRETS', 'whsec_c2FuZGJveC1zdGFuZGFyZC13ZWJob29rcw=='),
      generic: webhookSecret('GENERIC_WEBHOOK_SECRETS', 'sandbox-generic-secret'),
      zendesk: webhookSecret('ZENDESK_WEBHOOK_SECRETS', 'sandbox-zendesk-signing-secret'),
      // ShipBob signs its webhooks with the Standard Webhooks scheme (whsec_ secrets).
      shipbob: webhookSecret('SHIPBOB_WEBHOOK_SECRETS', 'whsec_c2FuZGJveC1zaGlwYm9iLXdlYmhvb2tz'),
    },
    genericWebhook: {
      header: read(env, 'GENERIC_WEBHOOK_HEADER', z.string().min(1), 'X-Signature').toLowerCase(),
      encoding: read(env, 'GENERIC_WEBHOOK_ENCODING', z.enum(['hex', 'base64']), 'hex'),
      // Set but empty means no prefix (the signature alone), so not read() whose '' means unset.
      prefix: env.GENERIC_WEBHOOK_PREFIX ?? 'sha256=',
    },
    temporal: {
      address: optional(env, 'TEMPORAL_ADDRESS'),
      namespace: read(env, 'TEMPORAL_NAMESPACE', z.string().min(1), 'default'),
      taskQueue: read(env, 'TEMPORAL_TASK_QUEUE', z.string().min(1), 'switchboard'),
      tls: read(env, 'TEMPORAL_TLS', bool, 'false'),
      apiKey: optional(env, 'TEMPORAL_API_KEY'),
      clientCertPath: optional(env, 'TEMPORAL_TLS_CERT_PATH'),
      clientKeyPath: optional(env, 'TEMPORAL_TLS_KEY_PATH'),
      cliPath: optional(env, 'TEMPORAL_CLI_PATH'),
      dataDir: read(env, 'SWITCHBOARD_DATA_DIR', z.string().min(1), 'data'),
      grpcPort: temporalPort,
      uiPort,
      webUiUrl: read(env, 'TEMPORAL_WEB_UI_URL', url, `http://localhost:${uiPort}`),
      codecKey: optional(env, 'PAYLOAD_CODEC_KEY'),
    },
    sandbox: { port: sandboxPort, baseUrl: sandboxBaseUrl },
    systems,
    alerts: { webhookUrl: optional(env, 'ALERT_WEBHOOK_URL') && read(env, 'ALERT_WEBHOOK_URL', url) },
    addressPropagation: {
      idleTimeout: read(env, 'ADDRESS_PROPAGATION_IDLE_TIMEOUT', durationString, '30s') as Duration,
      // How long one target may keep failing (all retries) before the run reports it as failed.
      targetTimeout: read(env, 'ADDRESS_PROPAGATION_TARGET_TIMEOUT', durationString, '10m') as Duration,
    },
    contactSync: {
      mailchimpListId: read(env, 'MAILCHIMP_LIST_ID', z.string().min(1), dev('sandbox-list')),
      idleTimeout: read(
        env,
        'CONTACT_SYNC_IDLE_TIMEOUT',
        z.string().regex(/^\d+(ms|s|m|h)$/, 'a duration like 30s or 5m'),
        '1m',
      ) as Duration,
    },
    contactFullSync: {
      interval: read(
        env,
        'CONTACT_FULL_SYNC_INTERVAL',
        z.string().regex(/^(\d+(s|m|h|d)|off)$/, 'a duration like 6h or 1d, or off'),
        '6h',
      ) as Duration | 'off',
      pageSize: read(env, 'CONTACT_FULL_SYNC_PAGE_SIZE', positiveInt.max(100), '100'),
      pagesPerRun: read(env, 'CONTACT_FULL_SYNC_PAGES_PER_RUN', positiveInt, '10'),
      concurrency: read(env, 'CONTACT_FULL_SYNC_CONCURRENCY', positiveInt.max(100), '20'),
    },
    dealWon: {
      slackChannel: read(env, 'DEAL_WON_SLACK_CHANNEL', z.string().min(1), '#sales'),
      slackThreshold: read(env, 'DEAL_WON_SLACK_THRESHOLD', z.coerce.number().min(0), '10000'),
      financeChannel: read(env, 'DEAL_WON_FINANCE_CHANNEL', z.string().min(1), '#finance'),
      currency: read(
        env,
        'DEAL_WON_CURRENCY',
        z.string().regex(/^[a-zA-Z]{3}$/, 'an ISO currency code'),
        'usd',
      ).toLowerCase(),
      daysUntilDue: read(env, 'DEAL_WON_DAYS_UNTIL_DUE', positiveInt, '30'),
      wonStages: read(env, 'DEAL_WON_STAGES', list.pipe(z.array(z.string()).min(1)), 'closedwon'),
    },
    orderFulfillment: {
      shipbobChannelId: read(
        env,
        'SHIPBOB_CHANNEL_ID',
        z.string().regex(/^\d+$/, 'a numeric ShipBob channel id'),
        dev('100102'),
      ),
      shippingMethod: read(env, 'SHIPBOB_SHIPPING_METHOD', z.string().min(1), 'Standard'),
      maxWait: duration('ORDER_FULFILLMENT_MAX_WAIT', '30d'),
    },
    ticketSurvey: {
      delay: duration('TICKET_SURVEY_DELAY', '24h'),
      mandrillTemplate: read(env, 'TICKET_SURVEY_TEMPLATE', z.string().min(1), 'satisfaction-survey'),
      fromEmail: read(env, 'TICKET_SURVEY_FROM_EMAIL', z.email(), 'support@example.com'),
      surveyUrl: read(env, 'TICKET_SURVEY_URL', url, 'https://example.com/survey'),
    },
  };
  for (const s of SYSTEMS) if (!config.systems[s]) throw new ConfigError(`system ${s} is not configured`);
  return config;
}

let cached: Config | undefined;
/** The process-wide configuration, parsed on first use. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
