/**
 * Every setting, parsed once from the environment with zod. Each is declared as data (src/settings.ts)
 * where it belongs: the core ones below, an external system's in src/systems/<system>/settings.ts, an
 * integration's in src/integrations/<id>/settings.ts; this module composes them into one `Config`.
 * Problems stop start-up with one ConfigError naming every variable at fault.
 *
 * Fail closed: sandbox defaults (the local stand-ins' base URLs and their published credentials and
 * secrets) apply only with SWITCHBOARD_SANDBOX=true, which `npm start` and the tests set; anywhere else
 * an unset credential is an error. The sandbox is refused in production and on a non-loopback HOST.
 */
import { z } from 'zod';
import { INTEGRATION_SETTINGS } from './integrations/catalog';
import {
  ConfigError,
  type Env,
  isSet,
  schemas,
  setting,
  type Setting,
  SettingsReader,
  type SettingValues,
} from './settings';
import { codecKeyRingSchema } from './runtime/dataConverter';
import { SYSTEMS, SystemName } from './systems/index';
import type { SystemSettings } from './systems/kit/settings';
import { SYSTEM_SETTINGS } from './systems/settings';

export { ConfigError } from './settings';

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
  /** The most of a response body the HTTP client reads (`<SYSTEM>_MAX_RESPONSE_BYTES`); unset: its 10 MiB default. */
  maxResponseBytes?: number;
}

export const WEBHOOK_SOURCE_NAMES = [
  'hubspot',
  'stripe',
  'github',
  'shopify',
  'slack',
  'standard',
  'generic',
  'zendesk',
  'shipbob',
] as const;
export type WebhookSource = (typeof WEBHOOK_SOURCE_NAMES)[number];

/** `config.<key>` of each integration, typed from its settings declarations (src/integrations/catalog.ts). */
export type IntegrationsConfig = {
  -readonly [K in keyof typeof INTEGRATION_SETTINGS]: SettingValues<
    (typeof INTEGRATION_SETTINGS)[K]['settings']
  >;
};

export interface Config extends IntegrationsConfig {
  production: boolean;
  /** The gateway's bind address. */
  host: string;
  port: number;
  logLevel: string;
  /** The public origin senders sign against (HubSpot v3 signs the full URL); else taken from the request. */
  publicBaseUrl?: string;
  /** Keys for the management API (Authorization: Bearer): full access. */
  apiKeys: string[];
  /** Keys that may only read (GET): dashboards, on-call tooling. */
  apiReadKeys: string[];
  webhookBodyLimitBytes: number;
  /** Starts (or signal-with-starts) the gateway has in flight to Temporal at most; a webhook beyond gets 503. */
  webhookMaxStartsInFlight: number;
  /** Where the worker serves the SDK's Prometheus metrics (`host:port`); unset: not served. */
  workerMetricsAddress?: string;
  /** Runs the worker keeps in its sticky cache (src/runtime/workers.ts). */
  workerMaxCachedWorkflows: number;
  /** Heap limit of the worker's workflow thread, in MB (src/worker.ts). */
  workerWorkflowHeapMb: number;
  /** Workers processes sharing the external APIs' rate limits: each holds 1/N for its direct calls. */
  workerReplicas: number;
  /** How far V8 lets the worker's heaps grow past their live size before it collects, in % (workerV8Flags). */
  workerHeapGrowingPercent: number;
  /** The young generation's semi-space of the worker's threads, in MB (workerV8Flags). */
  workerSemiSpaceMb: number;
  /** The Web UI's codec endpoint without an API key (the browser cannot send one); refused in production. */
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
  /** `enabled`: SWITCHBOARD_SANDBOX=true, sandbox defaults applied (never in production). */
  sandbox: { enabled: boolean; port: number; baseUrl: string };
  systems: Record<SystemName, SystemConfig>;
  alerts: { webhookUrl?: string };
}

/** The management API key in the sandbox when API_KEYS is unset (printed by `npm start`). */
export const SANDBOX_API_KEY = 'sandbox-api-key-change-me';

const apiKeyList = (min: number) =>
  schemas.list.pipe(z.array(z.string().min(16, 'keys need 16+ characters')).min(min));

/**
 * What the workflow thread's heap must hold at least: a base and a share per cached run, with room. With
 * the workflow modules preloaded (src/runtime/workflowEntry.ts), bench/memory.ts measured ~55 MB live with
 * 200 cached contact-sync runs and ~100 MB with ~1,000 (~0.06 MB a run).
 */
const WORKFLOW_HEAP_BASE_MB = 100;
const WORKFLOW_HEAP_MB_PER_CACHED_RUN = 0.25;
/** Each cached run with its own copy of the modules (~1.2 MB measured), when they cannot be preloaded. */
const WORKFLOW_HEAP_MB_PER_CACHED_RUN_UNSHARED = 1.4;

/** The least workflow heap (MB) that holds `cachedRuns` runs, with the workflow modules shared or not. */
export function workflowHeapFloorMb(cachedRuns: number, modulesShared = true): number {
  const perRun = modulesShared ? WORKFLOW_HEAP_MB_PER_CACHED_RUN : WORKFLOW_HEAP_MB_PER_CACHED_RUN_UNSHARED;
  return Math.ceil(WORKFLOW_HEAP_BASE_MB + perRun * cachedRuns);
}

/**
 * The V8 flags that bound the worker process's heaps (WORKER_HEAP_GROWING_PERCENT, WORKER_SEMI_SPACE_MB).
 * src/worker.ts sets them for its workflow thread; a thread's young generation is sized when the thread
 * starts, so the process's main thread takes them only from its command line (src/dev.ts, docker-compose).
 */
export function workerV8Flags(cfg: Pick<Config, 'workerHeapGrowingPercent' | 'workerSemiSpaceMb'>): string[] {
  return [
    `--heap-growing-percent=${cfg.workerHeapGrowingPercent}`,
    `--max-semi-space-size=${cfg.workerSemiSpaceMb}`,
  ];
}

export const CORE_SETTINGS = {
  nodeEnv: setting({
    env: 'NODE_ENV',
    schema: z.string(),
    required: false,
    secret: false,
    description:
      'production: the production rules apply (PAYLOAD_CODEC_KEY, PUBLIC_BASE_URL, no sandbox, no unauthenticated codec)',
  }),
  sandbox: setting({
    env: 'SWITCHBOARD_SANDBOX',
    schema: schemas.bool,
    required: false,
    secret: false,
    default: 'false',
    description:
      "true: unset settings take the local sandbox's values (`npm start` and the tests set it); refused with NODE_ENV=production or a non-loopback HOST",
  }),
  host: setting({
    env: 'HOST',
    schema: schemas.nonEmpty,
    required: false,
    secret: false,
    default: '0.0.0.0',
    sandboxDefault: '127.0.0.1',
    description:
      "the gateway's bind address; on a non-loopback one the sandbox and every published sandbox secret or API key are refused",
  }),
  port: setting({
    env: 'PORT',
    schema: schemas.port,
    required: false,
    secret: false,
    default: '3000',
    description: 'the gateway port',
  }),
  logLevel: setting({
    env: 'LOG_LEVEL',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    required: false,
    secret: false,
    default: 'info',
    description: 'pino level (silent ... trace)',
  }),
  publicBaseUrl: setting({
    env: 'PUBLIC_BASE_URL',
    // No trailing slash: the request path is appended to it to rebuild the URL the sender signed.
    schema: schemas.baseUrl,
    required: false,
    requiredInProduction: 'when HUBSPOT_WEBHOOK_SECRETS is set',
    secret: false,
    defaultDoc: 'from the request',
    description:
      'the public https origin senders call (HubSpot v3 signs the full URL, which a gateway behind a TLS proxy cannot see)',
  }),
  apiKeys: setting({
    env: 'API_KEYS',
    schema: apiKeyList(1),
    required: true,
    secret: true,
    sandboxDefault: SANDBOX_API_KEY,
    description:
      'comma-separated keys (16+ characters) for the management routes (Authorization: Bearer ...)',
  }),
  apiReadKeys: setting({
    env: 'API_READ_KEYS',
    schema: apiKeyList(0),
    required: false,
    secret: true,
    default: '',
    description: 'comma-separated read-only keys (GET on the management routes)',
  }),
  webhookBodyLimitBytes: setting({
    env: 'WEBHOOK_BODY_LIMIT_BYTES',
    schema: schemas.positiveInt,
    required: false,
    secret: false,
    default: String(1024 * 1024),
    description: 'the largest webhook body accepted (413 above)',
  }),
  // 32: beyond what Temporal can start, more in flight only lengthens the queue in front of it. Measured on
  // two loaded cores (README "Performance"): at 220 webhooks/s, 32 accepted 30/s with p99 1.8 s, 64 accepted
  // 25/s with p99 6.9 s, no limit 8/s with most answers a 503 after Temporal's 5 s deadline.
  webhookMaxStartsInFlight: setting({
    env: 'WEBHOOK_MAX_STARTS_IN_FLIGHT',
    schema: schemas.positiveInt,
    required: false,
    secret: false,
    default: '32',
    description:
      "runs the gateway may be starting in Temporal at once; a webhook beyond that is answered `503 overloaded` + `Retry-After` at once (nothing accepted, the sender retries) instead of queueing until Temporal's deadline",
  }),
  workerMetricsAddress: setting({
    env: 'WORKER_METRICS_ADDRESS',
    schema: z.string().regex(/^[^:]+:\d+$/, 'host:port, e.g. 0.0.0.0:9464'),
    required: false,
    secret: false,
    description:
      "host:port where workers serve the Temporal SDK's Prometheus metrics (task latencies, schedule-to-start, poll failures); unset: not served",
  }),
  // Measured with `npm run bench` and bench/memory.ts (README "Performance"): each cached contact-sync run
  // holds ~0.06 MB of the workflow thread's heap, and the SDK's core keeps its state and history beside it
  // (~0.2 MB): 2,000 cached runs took the workers from ~430 MB to ~600 MB and processed no faster, since
  // the Temporal server, not replay, bounded the rate. Fewer cached means more replays from history.
  workerMaxCachedWorkflows: setting({
    env: 'WORKER_MAX_CACHED_WORKFLOWS',
    schema: schemas.positiveInt,
    required: false,
    secret: false,
    default: '200',
    description:
      'runs the worker keeps in memory between their tasks (~0.3 MB each); past it the least recently used is evicted and replayed from its history at its next task',
  }),
  // 256: 200 cached runs live in ~55 MB (it was 384 while each run held its own modules: ~220–265 MB).
  // Without a limit, V8's default here (~4 GB) let the garbage of finished and evicted runs pile up:
  // workers 1.2–1.35 GB at the webhook burst, 715 MB with 384 at the same end-to-end rate (README).
  workerWorkflowHeapMb: setting({
    env: 'WORKER_WORKFLOW_HEAP_MB',
    schema: schemas.positiveInt,
    required: false,
    secret: false,
    default: '256',
    description: `heap limit (MB) of the worker's workflow thread, where cached runs live; at least ${WORKFLOW_HEAP_BASE_MB} MB + ${WORKFLOW_HEAP_MB_PER_CACHED_RUN} MB per cached run (WORKER_MAX_CACHED_WORKFLOWS), since a thread out of memory stops the worker`,
  }),
  // The queues' limits are held by the server across every workers process; the direct calls' budget is
  // each process's own (src/systems/rateBudgets.ts), so N processes must each take 1/N of it.
  workerReplicas: setting({
    env: 'WORKER_REPLICAS',
    schema: schemas.positiveInt,
    required: false,
    secret: false,
    default: '1',
    description:
      "how many workers processes run at once (docker-compose runs 2): each holds 1/N of every system's rate limit for its direct calls, so together they keep to it; the queues' limits, which the Temporal server holds across all of them, stay whole",
  }),
  // bench/memory.ts (220 webhooks/s for 20 s): with V8's own heuristics the main thread's heap grew to ~3×
  // its ~70 MB live before a full collection, and the workers peaked at ~480 MB; with 20% and 4 MB
  // semi-spaces, at ~270 MB, draining ~10% slower in a probe (more collections). README "Performance".
  workerHeapGrowingPercent: setting({
    env: 'WORKER_HEAP_GROWING_PERCENT',
    schema: z.coerce.number().int().min(0).max(400),
    required: false,
    secret: false,
    default: '20',
    description:
      "how far (%) the worker's V8 heaps may grow past what is live before a full collection (V8's --heap-growing-percent): lower holds less memory and collects more often; 0 leaves it to V8, which let them grow to ~3×",
  }),
  workerSemiSpaceMb: setting({
    env: 'WORKER_SEMI_SPACE_MB',
    schema: schemas.positiveInt.max(64),
    required: false,
    secret: false,
    default: '4',
    description:
      "size (MB) of each of the worker threads' young-generation semi-spaces (V8's --max-semi-space-size; V8's own default here is 16): smaller holds less memory and collects short-lived objects more often. The main thread takes it from the command line: `npm start` passes it, docker-compose sets NODE_OPTIONS",
  }),
  codecAllowUnauthenticated: setting({
    env: 'CODEC_ALLOW_UNAUTHENTICATED',
    schema: schemas.bool,
    required: false,
    secret: false,
    defaultDoc: 'unset (true in `npm start`)',
    description:
      'whether `/codec/*` works without an API key (the browser UI cannot send one); true is refused in production',
  }),
  codecKey: setting({
    env: 'PAYLOAD_CODEC_KEY',
    schema: codecKeyRingSchema,
    required: false,
    requiredInProduction: 'unless PAYLOAD_CODEC_DISABLED=true',
    secret: true,
    description:
      'key ring, newest first: `id:base64key,id:base64key` (or one bare base64 key), 32 bytes each: every payload and failure message is encrypted (AES-256-GCM) with the first before it reaches Temporal; the others still decrypt what they wrote',
  }),
  codecDisabled: setting({
    env: 'PAYLOAD_CODEC_DISABLED',
    schema: schemas.bool,
    required: false,
    secret: false,
    default: 'false',
    description: 'true: store payloads in Temporal in clear, on purpose (production needs it without a key)',
  }),
  alertWebhookUrl: setting({
    env: 'ALERT_WEBHOOK_URL',
    schema: schemas.url,
    required: false,
    secret: true,
    defaultDoc: 'logged only (`npm start`: the sandbox receiver)',
    description: 'Slack-compatible incoming webhook for failed-run alerts',
  }),
};

export const TEMPORAL_SETTINGS = {
  address: setting({
    env: 'TEMPORAL_ADDRESS',
    schema: schemas.nonEmpty,
    required: false,
    secret: false,
    defaultDoc: 'unset: `npm start` launches the dev server',
    example: 'temporal:7233',
    description: 'the Temporal frontend (host:port)',
  }),
  namespace: setting({
    env: 'TEMPORAL_NAMESPACE',
    schema: schemas.nonEmpty,
    required: false,
    secret: false,
    default: 'default',
    description: 'the Temporal namespace',
  }),
  taskQueue: setting({
    env: 'TEMPORAL_TASK_QUEUE',
    schema: schemas.nonEmpty,
    required: false,
    secret: false,
    default: 'switchboard',
    description: "the workflows' task queue (APIs use api.<system>)",
  }),
  tls: setting({
    env: 'TEMPORAL_TLS',
    schema: schemas.bool,
    required: false,
    secret: false,
    default: 'false',
    description: 'TLS to Temporal (implied by TEMPORAL_API_KEY and the client certificate)',
  }),
  apiKey: setting({
    env: 'TEMPORAL_API_KEY',
    schema: schemas.nonEmpty,
    required: false,
    secret: true,
    description: 'Temporal Cloud API key',
  }),
  clientCertPath: setting({
    env: 'TEMPORAL_TLS_CERT_PATH',
    schema: schemas.nonEmpty,
    required: false,
    secret: false,
    description: 'mTLS client certificate (PEM file)',
  }),
  clientKeyPath: setting({
    env: 'TEMPORAL_TLS_KEY_PATH',
    schema: schemas.nonEmpty,
    required: false,
    secret: false,
    description: 'mTLS client key (PEM file)',
  }),
  cliPath: setting({
    env: 'TEMPORAL_CLI_PATH',
    schema: schemas.nonEmpty,
    required: false,
    secret: false,
    defaultDoc: 'on PATH, else installed',
    description: 'the Temporal CLI that runs the dev server',
  }),
  testServerPath: setting({
    env: 'TEMPORAL_TEST_SERVER_PATH',
    schema: schemas.nonEmpty,
    required: false,
    secret: false,
    defaultDoc: 'on PATH, else installed',
    description: 'the time-skipping test server (tests only; read by src/runtime/cli.ts)',
  }),
  dataDir: setting({
    env: 'SWITCHBOARD_DATA_DIR',
    schema: schemas.nonEmpty,
    required: false,
    secret: false,
    default: 'data',
    description: 'where the dev server keeps its SQLite file',
  }),
  grpcPort: setting({
    env: 'TEMPORAL_PORT',
    schema: schemas.port,
    required: false,
    secret: false,
    default: '7233',
    description: "the dev server's gRPC port",
  }),
  uiPort: setting({
    env: 'TEMPORAL_UI_PORT',
    schema: schemas.port,
    required: false,
    secret: false,
    default: '8233',
    description: "the dev server's Web UI port",
  }),
  webUiUrl: setting({
    env: 'TEMPORAL_WEB_UI_URL',
    schema: schemas.url,
    required: false,
    secret: false,
    defaultDoc: 'http://localhost:<TEMPORAL_UI_PORT>',
    description: 'the Web UI, for links in alerts',
  }),
};

export const SANDBOX_SETTINGS = {
  port: setting({
    env: 'SANDBOX_PORT',
    schema: schemas.port,
    required: false,
    secret: false,
    default: '4100',
    description: "the sandbox stand-ins' port (`npm start`)",
  }),
  url: setting({
    env: 'SANDBOX_URL',
    schema: schemas.url,
    required: false,
    secret: false,
    defaultDoc: 'http://127.0.0.1:<SANDBOX_PORT>',
    description: 'where the sandbox stand-ins are reached; sandbox base URLs are <SANDBOX_URL>/<system>',
  }),
};

export interface SettingsGroup {
  title: string;
  /** Where the declarations live. */
  file: string;
  settings: Setting[];
  /** An integration's group: its settings are documented with it (GET /integrations), see scripts/settingsDocs.ts. */
  integration?: string;
}

/** Every declared setting, grouped by where it is declared: what the docs generator lists. */
export const SETTINGS_GROUPS: readonly SettingsGroup[] = [
  { title: 'Core', file: 'src/config.ts', settings: Object.values(CORE_SETTINGS) },
  { title: 'Temporal', file: 'src/config.ts', settings: Object.values(TEMPORAL_SETTINGS) },
  { title: 'Sandbox', file: 'src/config.ts', settings: Object.values(SANDBOX_SETTINGS) },
  ...Object.entries(SYSTEM_SETTINGS).map(([system, m]) => ({
    title: m.title,
    file: `src/systems/${system}/settings.ts`,
    settings: Object.values(m.settings as Record<string, Setting>),
  })),
  ...Object.values(INTEGRATION_SETTINGS).map((m) => ({
    title: m.id,
    integration: m.id,
    file: `src/integrations/${m.id}/settings.ts`,
    settings: Object.values(m.settings as Record<string, Setting>),
  })),
];

/** Secrets and API keys this repo publishes as sandbox defaults: never accepted on a non-loopback HOST. */
export const PUBLISHED_SANDBOX_SECRETS: ReadonlySet<string> = new Set(
  SETTINGS_GROUPS.flatMap((g) => g.settings)
    .filter((s) => s.secret && typeof s.sandboxDefault === 'string')
    .flatMap((s) => String(s.sandboxDefault).split(','))
    .map((v) => v.trim()),
);

export function isLoopback(host: string): boolean {
  return /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(\.\d{1,3}){3})$/i.test(host);
}

const MISSING_HINT =
  'Set them (.env.example lists every setting), or SWITCHBOARD_SANDBOX=true to run against the local sandbox (`npm start` does).';

type SystemValues = {
  [K in keyof typeof SYSTEM_SETTINGS]: SettingValues<(typeof SYSTEM_SETTINGS)[K]['settings']>;
};

const mapValues = <T extends object, R>(o: T, f: (v: T[keyof T], k: keyof T) => R) =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v as T[keyof T], k as keyof T)])) as {
    [K in keyof T]: R;
  };

export function loadConfig(env: Env = process.env): Config {
  const modeReader = new SettingsReader(env, false);
  const production = modeReader.one(CORE_SETTINGS.nodeEnv) === 'production';
  const sandbox = modeReader.one(CORE_SETTINGS.sandbox);
  modeReader.check();
  if (production && sandbox)
    throw new ConfigError(
      'SWITCHBOARD_SANDBOX=true is refused with NODE_ENV=production: sandbox defaults are published values',
    );

  const reader = new SettingsReader(env, sandbox);
  const sandboxValues = reader.all(SANDBOX_SETTINGS);
  const sandboxBaseUrl = sandboxValues.url ?? `http://127.0.0.1:${sandboxValues.port ?? 4100}`;
  reader.sandboxContext = { url: sandboxBaseUrl };
  const core = reader.all(CORE_SETTINGS);
  const temporal = reader.all(TEMPORAL_SETTINGS);
  const systemValues = mapValues(SYSTEM_SETTINGS, (m) =>
    reader.all((m as SystemSettings).settings),
  ) as unknown as SystemValues;
  const integrations = mapValues(INTEGRATION_SETTINGS, (m) => reader.all(m.settings)) as IntegrationsConfig;

  // The rules across settings are checked even when some are missing, so that one start-up names every
  // problem; a value that failed to read is undefined here (its own problem is already listed).
  const systemModules = SYSTEM_SETTINGS as Record<string, SystemSettings>;
  const values = systemValues as Record<string, Record<string, unknown>>;
  const webhookSecrets = {} as Record<WebhookSource, string[]>;
  /** What authenticates callers of the gateway, by variable. */
  const inbound: { env: string; values: string[] }[] = [
    { env: CORE_SETTINGS.apiKeys.env, values: core.apiKeys ?? [] },
    { env: CORE_SETTINGS.apiReadKeys.env, values: core.apiReadKeys ?? [] },
  ];
  for (const source of WEBHOOK_SOURCE_NAMES) {
    const module = systemModules[source];
    if (!module?.webhookSecrets)
      throw new ConfigError(
        `webhook sender ${source} declares no secrets (src/systems/${source}/settings.ts)`,
      );
    webhookSecrets[source] = (values[source][module.webhookSecrets] as string[] | undefined) ?? [];
    inbound.push({ env: module.settings[module.webhookSecrets].env, values: webhookSecrets[source] });
  }

  const host = core.host;
  if (!isLoopback(host)) {
    if (sandbox)
      reader.fail(
        `SWITCHBOARD_SANDBOX=true is refused with HOST=${host}: the sandbox's published secrets only serve this machine (HOST=127.0.0.1)`,
      );
    else
      for (const { env: name, values: list } of inbound)
        if (list.some((v) => PUBLISHED_SANDBOX_SECRETS.has(v)))
          reader.fail(
            `${name} holds a sandbox value published in this repository: refused with HOST=${host} (not loopback); set a secret of your own`,
          );
  }
  const codecKeySet = isSet(env, CORE_SETTINGS.codecKey);
  if (codecKeySet && core.codecDisabled)
    reader.fail('PAYLOAD_CODEC_DISABLED=true contradicts PAYLOAD_CODEC_KEY: unset one of them');
  if (production) {
    if (!codecKeySet && !core.codecDisabled)
      reader.fail(
        'PAYLOAD_CODEC_KEY is required in production (records carry personal data): set a 32-byte base64 key, or PAYLOAD_CODEC_DISABLED=true to store payloads in clear on purpose',
      );
    if (core.codecAllowUnauthenticated)
      reader.fail(
        'CODEC_ALLOW_UNAUTHENTICATED=true is refused in production: the codec would decrypt payloads for anyone',
      );
    if (webhookSecrets.hubspot.length > 0 && !isSet(env, CORE_SETTINGS.publicBaseUrl))
      reader.fail(
        'PUBLIC_BASE_URL is required in production when HUBSPOT_WEBHOOK_SECRETS is set: HubSpot v3 signs the full https URL, which a gateway behind a TLS proxy cannot see',
      );
  }
  if (core.workerWorkflowHeapMb < workflowHeapFloorMb(core.workerMaxCachedWorkflows))
    reader.fail(
      `WORKER_WORKFLOW_HEAP_MB=${core.workerWorkflowHeapMb} cannot hold WORKER_MAX_CACHED_WORKFLOWS=${core.workerMaxCachedWorkflows} runs: at least ${workflowHeapFloorMb(core.workerMaxCachedWorkflows)} MB`,
    );
  reader.check(sandbox ? undefined : MISSING_HINT);

  const systems = {} as Record<SystemName, SystemConfig>;
  for (const system of SYSTEMS) {
    const module = systemModules[system];
    if (!module?.api)
      throw new ConfigError(`system ${system} has no settings (src/systems/${system}/settings.ts)`);
    systems[system] = module.api(values[system]);
  }
  const { header, encoding, prefix } = systemValues.generic;
  return {
    production,
    host,
    port: core.port,
    logLevel: core.logLevel,
    publicBaseUrl: core.publicBaseUrl,
    apiKeys: core.apiKeys,
    apiReadKeys: core.apiReadKeys,
    workerMetricsAddress: core.workerMetricsAddress,
    workerMaxCachedWorkflows: core.workerMaxCachedWorkflows,
    workerWorkflowHeapMb: core.workerWorkflowHeapMb,
    workerReplicas: core.workerReplicas,
    workerHeapGrowingPercent: core.workerHeapGrowingPercent,
    workerSemiSpaceMb: core.workerSemiSpaceMb,
    codecAllowUnauthenticated: core.codecAllowUnauthenticated,
    webhookBodyLimitBytes: core.webhookBodyLimitBytes,
    webhookMaxStartsInFlight: core.webhookMaxStartsInFlight,
    webhookSecrets,
    genericWebhook: { header, encoding, prefix },
    temporal: {
      address: temporal.address,
      namespace: temporal.namespace,
      taskQueue: temporal.taskQueue,
      tls: temporal.tls,
      apiKey: temporal.apiKey,
      clientCertPath: temporal.clientCertPath,
      clientKeyPath: temporal.clientKeyPath,
      cliPath: temporal.cliPath,
      dataDir: temporal.dataDir,
      grpcPort: temporal.grpcPort,
      uiPort: temporal.uiPort,
      webUiUrl: temporal.webUiUrl ?? `http://localhost:${temporal.uiPort}`,
      codecKey: core.codecKey,
    },
    sandbox: { enabled: sandbox, port: sandboxValues.port, baseUrl: sandboxBaseUrl },
    systems,
    alerts: { webhookUrl: core.alertWebhookUrl },
    ...integrations,
  };
}

let cached: Config | undefined;
/** The process-wide configuration, parsed on first use. */
export function config(): Config {
  cached ??= loadConfig();
  return cached;
}
