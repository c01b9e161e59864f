/**
 * `npm run test:production`: Switchboard as it runs in production, on this machine, under faults.
 *
 *   PostgreSQL (fresh cluster) ── Temporal server v1.29 ── 2 × `node dist/worker.js`, `node dist/gateway.js`
 *   (NODE_ENV=production, every credential from the environment, random per run), and the sandbox
 *   stand-ins as their own process (`node dist/sandbox/main.js`) configured with the same credentials.
 *
 * The sandbox's control endpoints change its records the way a user would (a contact created, a deal won,
 * an order placed, a parcel shipped, a ticket solved) and sign the webhook the way each sender does; it
 * goes to a relay here that keeps it, and this script then delivers every webhook twice (same body,
 * signature and ids: a sender retry), re-sending after a 503 (or any 5xx / connection error) with backoff
 * until the gateway accepts it. Mid-burst one worker is SIGKILLed and the Temporal server is stopped and
 * started again. At the end, the sandbox's own records must show every accepted event's effect exactly
 * once (no invoice, Slack message, shipment, fulfillment or email doubled or missing), no alert raised,
 * no run failed and none left running.
 *
 * Prints one result line; exits 1 on failure (the logs are kept in .temporal/prod/last-failed-run).
 * Knobs: PRODUCTION_EVENT_RATE (events/s, default 10), PRODUCTION_SKIP_BUILD=1, PRODUCTION_KEEP=1.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Client, Connection } from '@temporalio/client';
import { resolveTemporalCli } from '../../src/runtime/cli';
import type { SystemSettings } from '../../src/systems/kit/settings';
import { SYSTEM_SETTINGS } from '../../src/systems/settings';
import {
  cleanupAll,
  ensurePostgres,
  ensureTemporal,
  freePort,
  GiveUp,
  log,
  makeWorkDir,
  onCleanup,
  prepareNamespace,
  Proc,
  ROOT,
  saveLogs,
  setupTemporalSchema,
  sleep,
  startPostgres,
  startProcess,
  tail,
  temporalServer,
  until,
  WorkDir,
} from './stack';

const T0 = Date.now();
const EVENT_RATE = Number(process.env.PRODUCTION_EVENT_RATE ?? 10);
const NAMESPACE = 'default';
const SLACK_THRESHOLD = 10_000;
/** How long a sender keeps re-sending one delivery (HubSpot, Stripe, Slack… refuse signatures > 5 min old). */
const SEND_DEADLINE_MS = 4 * 60_000;

// The workload: 200 webhook events, each delivered twice, plus one full sync started by hand.
const COUNTS = { contacts: 60, deals: 40, addresses: 30, orders: 30, tickets: 10, bulkContacts: 100 };
const TOTAL_EVENTS = COUNTS.contacts + COUNTS.deals + COUNTS.addresses + 2 * COUNTS.orders + COUNTS.tickets;

// ---------------------------------------------------------------------------------------------------
// Credentials: real-looking, random per run, never the sandbox's published values

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const b64url = (bytes: number) => randomBytes(bytes).toString('base64url');
const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join('');

function productionEnv(ports: { gateway: number; sandbox: number; relay: number }, temporalAddress: string) {
  const sandbox = `http://127.0.0.1:${ports.sandbox}`;
  const apiKey = `sbk_${b64url(24)}`;
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(ports.gateway),
    LOG_LEVEL: 'info',
    // What senders sign against (HubSpot v3 signs the URL): the public origin in front of the gateway,
    // here the relay that receives what the sandbox sends.
    PUBLIC_BASE_URL: `http://127.0.0.1:${ports.relay}`,
    API_KEYS: apiKey,
    PAYLOAD_CODEC_KEY: `prod-${new Date().toISOString().slice(0, 10)}:${randomBytes(32).toString('base64')}`,
    ALERT_WEBHOOK_URL: `${sandbox}/alerts/hook`,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: NAMESPACE,
    SANDBOX_PORT: String(ports.sandbox),
    SANDBOX_WEBHOOK_TARGET: `http://127.0.0.1:${ports.relay}`,

    HUBSPOT_BASE_URL: `${sandbox}/hubspot`,
    HUBSPOT_ACCESS_TOKEN: `pat-na1-${crypto.randomUUID()}`,
    HUBSPOT_WEBHOOK_SECRETS: crypto.randomUUID(),
    MAILCHIMP_BASE_URL: `${sandbox}/mailchimp`,
    MAILCHIMP_API_KEY: `${hex(16)}-us21`,
    MAILCHIMP_LIST_ID: hex(5),
    MANDRILL_BASE_URL: `${sandbox}/mandrill`,
    MANDRILL_API_KEY: `md-${b64url(16)}`,
    SLACK_BASE_URL: `${sandbox}/slack`,
    SLACK_BOT_TOKEN: `xoxb-${digits(12)}-${digits(13)}-${b64url(18)}`,
    SLACK_SIGNING_SECRETS: hex(16),
    STRIPE_BASE_URL: `${sandbox}/stripe`,
    STRIPE_SECRET_KEY: `sk_test_51${b64url(36).replace(/[-_]/g, 'x')}`,
    STRIPE_WEBHOOK_SECRETS: `whsec_${b64url(24)}`,
    SHOPIFY_BASE_URL: `${sandbox}/shopify`,
    SHOPIFY_ACCESS_TOKEN: `shpat_${hex(16)}`,
    SHOPIFY_WEBHOOK_SECRETS: hex(32),
    ZENDESK_BASE_URL: `${sandbox}/zendesk`,
    ZENDESK_EMAIL: `ops-${hex(3)}@switchboard.example`,
    ZENDESK_API_TOKEN: b64url(30),
    ZENDESK_WEBHOOK_SECRETS: b64url(32),
    SHIPBOB_BASE_URL: `${sandbox}/shipbob`,
    SHIPBOB_TOKEN_URL: `${sandbox}/shipbob/oauth/token`,
    SHIPBOB_CLIENT_ID: hex(16),
    SHIPBOB_CLIENT_SECRET: b64url(32),
    SHIPBOB_WEBHOOK_SECRETS: `whsec_${randomBytes(24).toString('base64')}`,
    SHIPBOB_CHANNEL_ID: String(100_000 + randomInt(900_000)),
    // Senders this run does not use are configured too (production reads every secret it is given).
    GITHUB_WEBHOOK_SECRETS: hex(20),
    STANDARD_WEBHOOK_SECRETS: `whsec_${randomBytes(24).toString('base64')}`,
    GENERIC_WEBHOOK_SECRETS: b64url(32),

    // Short waits, so the run ends in minutes: the survey 2 s after the solve, entity runs idle 5 s.
    TICKET_SURVEY_DELAY: '2s',
    CONTACT_SYNC_IDLE_TIMEOUT: '5s',
    ADDRESS_PROPAGATION_IDLE_TIMEOUT: '5s',
    DEAL_WON_SLACK_THRESHOLD: String(SLACK_THRESHOLD),
    // The stand-ins have no quota; the real services' limits (Shopify 2/s, Slack 1/s) would only slow this.
    SHOPIFY_RATE_LIMIT_PER_SECOND: '10',
    SLACK_RATE_LIMIT_PER_SECOND: '5',
  };
  // A system added since (npm run new-system): its stand-in's base URL, a random credential.
  for (const [system, module] of Object.entries(SYSTEM_SETTINGS as Record<string, SystemSettings>))
    for (const [key, s] of Object.entries(module.settings))
      if (s.required && s.default === undefined && env[s.env] === undefined)
        env[s.env] = key === 'baseUrl' ? `${sandbox}/${system}` : b64url(24);
  return env;
}

/** Variables this script sets that are not Switchboard settings (read by src/sandbox/main.ts only). */
const NOT_SETTINGS = new Set(['SANDBOX_WEBHOOK_TARGET']);

/**
 * Every variable set here must be one src/ declares (src/config.ts composes them all into
 * SETTINGS_GROUPS): a renamed or misspelt one would silently leave its default in place.
 */
function checkDeclared(env: Record<string, string>): void {
  let groups: { settings: { env: string }[] }[] | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    groups = require(path.join(ROOT, 'dist', 'config.js')).SETTINGS_GROUPS;
  } catch (err) {
    log(
      `cannot read the settings declarations from dist/config.js (${(err as Error).message}): names not checked`,
    );
    return;
  }
  if (!Array.isArray(groups)) {
    log('dist/config.js exports no SETTINGS_GROUPS: variable names not checked');
    return;
  }
  const declared = new Set(groups.flatMap((g) => g.settings.map((x) => x.env)));
  const unknown = Object.keys(env).filter((k) => !declared.has(k) && !NOT_SETTINGS.has(k));
  if (unknown.length > 0)
    throw new Error(`these variables are not declared by any settings file in src/: ${unknown.join(', ')}`);
  log(`${Object.keys(env).length} variables set, every one declared in src/ (${declared.size} settings)`);
}

// ---------------------------------------------------------------------------------------------------
// The relay: where the sandbox delivers the webhooks it signs; it keeps them for this script to send.

interface Delivery {
  id: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

async function startRelay(port: number) {
  const captured = new Map<string, Delivery>();
  let seq = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = `d${++seq}`;
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (!HOP_BY_HOP.has(k) && typeof v === 'string') headers[k] = v;
      captured.set(id, { id, path: req.url ?? '/', headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ captured: id }));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  onCleanup(
    'relay',
    () =>
      new Promise<void>((resolve) => {
        // The sandbox keeps its connections alive: close them, or close() waits for them.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    take(reply: unknown): Delivery {
      const id = (reply as { body?: { captured?: string } } | undefined)?.body?.captured;
      const delivery = id ? captured.get(id) : undefined;
      if (!delivery) throw new Error(`the sandbox sent no webhook: ${JSON.stringify(reply)?.slice(0, 300)}`);
      return delivery;
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// The sender: every delivery twice, re-sent after 503 / 5xx / connection errors until accepted

interface SendOutcome {
  status: number;
  body?: unknown;
  attempts: number;
}

const stats = {
  deliveries: 0,
  attempts: 0,
  byStatus: new Map<number, number>(),
  /** 503 answers without Retry-After. */
  missingRetryAfter: 0,
  /** Events answered `duplicate` / `ignored` per delivery. */
  duplicateAnswers: 0,
  ignoredEvents: 0,
  rejected: [] as string[],
};

function backoffMs(attempt: number, retryAfter: string | null): number {
  const expo = Math.min(8000, 250 * 2 ** Math.min(attempt, 6));
  const jittered = expo / 2 + Math.random() * (expo / 2);
  const hinted = retryAfter && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : undefined;
  return hinted === undefined ? jittered : Math.min(hinted, jittered);
}

async function post(
  url: string,
  headers: Record<string, string>,
  body: string | Buffer,
  label: string,
): Promise<SendOutcome> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    stats.attempts++;
    let status = 0;
    let parsed: unknown;
    let retryAfter: string | null = null;
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body: new Uint8Array(typeof body === 'string' ? Buffer.from(body) : body),
        signal: AbortSignal.timeout(30_000),
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      parsed = await res.json().catch(() => undefined);
    } catch {
      status = 0; // connection refused / reset / timed out: a sender retries those too
    }
    stats.byStatus.set(status, (stats.byStatus.get(status) ?? 0) + 1);
    if (status === 503 && !retryAfter) stats.missingRetryAfter++;
    if (status >= 200 && status < 300) return { status, body: parsed, attempts: attempt };
    const retryable = status === 0 || status === 429 || status >= 500;
    if (!retryable || Date.now() - started > SEND_DEADLINE_MS) {
      stats.rejected.push(`${label}: ${status} ${JSON.stringify(parsed)?.slice(0, 200)}`);
      return { status, body: parsed, attempts: attempt };
    }
    await sleep(backoffMs(attempt, retryAfter));
  }
}

type Kind = 'contact' | 'deal' | 'address' | 'order' | 'shipped' | 'ticket';

interface SentEvent {
  kind: Kind;
  label: string;
  outcomes: SendOutcome[];
  accepted: boolean;
}

const events: SentEvent[] = [];

/** Sends one delivery twice, like a sender whose first attempt it believes lost. */
async function deliverTwice(gateway: string, kind: Kind, label: string, d: Delivery, mode: number) {
  const event: SentEvent = { kind, label, outcomes: [], accepted: false };
  events.push(event);
  const once = async () => {
    stats.deliveries++;
    const outcome = await post(gateway + d.path, d.headers, d.body, label);
    event.outcomes.push(outcome);
    const answered = (outcome.body as { events?: { status: string }[] } | undefined)?.events ?? [];
    for (const e of answered) {
      if (e.status === 'duplicate') stats.duplicateAnswers++;
      if (e.status === 'ignored') stats.ignoredEvents++;
    }
    if (outcome.status >= 200 && outcome.status < 300) event.accepted = true;
  };
  if (mode === 0) {
    // a retry right after the answer
    await once();
    await once();
  } else if (mode === 1) {
    // two deliveries racing each other
    await Promise.all([once(), once()]);
  } else {
    // a late retry, seconds later
    await once();
    await sleep(1000 + Math.random() * 3000);
    await once();
  }
}

/**
 * Workflow tasks the workers' own code failed (the SDK logs each; the run is stuck, not failed, so no
 * visibility query sees it): a broken workflow bundle, a non-determinism error, a bug in a workflow.
 */
function workflowTaskFailures(workers: Proc[]): { count: number; first?: string; runId?: string } {
  let count = 0;
  let first: string | undefined;
  for (const w of workers)
    for (const line of w.output().split('\n'))
      if (line.includes('Failing workflow task')) {
        count++;
        // eslint-disable-next-line no-control-regex
        first ??= line.replace(/\x1b\[[0-9;]*m/g, '').slice(0, 400);
      }
  return { count, first, runId: first && /run_id=([0-9a-f-]+)/.exec(first)?.[1] };
}

/**
 * What a failed workflow task said, in clear: its failure is encrypted (PAYLOAD_CODEC_KEY), so it is read
 * from the run's history and decoded by the gateway's codec endpoint, as the Web UI would.
 */
async function explainWorkflowTaskFailure(world: World, runId: string): Promise<string> {
  try {
    const { executions } = await world.client.workflowService.listWorkflowExecutions({
      namespace: NAMESPACE,
      query: `RunId = "${runId}"`,
    });
    const workflowId = executions[0]?.execution?.workflowId;
    if (!workflowId) return `run ${runId} not found`;
    const history = await world.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const failure = history.events?.find((e) => e.workflowTaskFailedEventAttributes?.failure)
      ?.workflowTaskFailedEventAttributes?.failure;
    const encoded = failure?.encodedAttributes;
    if (!encoded) return `${workflowId}: ${failure?.message ?? 'no failure in its history yet'}`;
    const b64 = (b?: Uint8Array | null) => Buffer.from(b ?? []).toString('base64');
    const decoded = await json<{ payloads: { data?: string }[] }>(`${world.gateway}/codec/decode`, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.env.API_KEYS}` },
      json: {
        payloads: [
          {
            metadata: Object.fromEntries(Object.entries(encoded.metadata ?? {}).map(([k, v]) => [k, b64(v)])),
            data: b64(encoded.data),
          },
        ],
      },
    });
    const clear = JSON.parse(Buffer.from(decoded.payloads[0]?.data ?? '', 'base64').toString('utf8')) as {
      message?: string;
      stack_trace?: string;
    };
    const stack = (clear.stack_trace ?? '').split('\n').slice(0, 6).join('\n');
    return `${workflowId}: ${clear.message ?? '?'}\n${stack}`;
  } catch (err) {
    return `(could not decode it: ${(err as Error).message})`;
  }
}

/**
 * Activities whose result the worker could not report (the server was down): Temporal runs them again
 * after their start-to-close timeout, so each must be idempotent or it acts twice.
 */
function lostCompletions(workers: Proc[]): number {
  return workers.reduce(
    (n, w) => n + (w.output().match(/Network error while completing activity/g)?.length ?? 0),
    0,
  );
}

// ---------------------------------------------------------------------------------------------------
// HTTP helpers

async function json<T = unknown>(url: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json: body, ...rest } = init;
  const res = await fetch(url, {
    ...rest,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...rest.headers },
    body: body !== undefined ? JSON.stringify(body) : rest.body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url} → ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

// ---------------------------------------------------------------------------------------------------
// Main

interface World {
  env: Record<string, string>;
  sandbox: string;
  gateway: string;
  workers: Proc[];
  client: Client;
}

async function buildApp(): Promise<void> {
  if (process.env.PRODUCTION_SKIP_BUILD === '1') {
    log('skipping npm run build (PRODUCTION_SKIP_BUILD=1)');
  } else {
    log('npm run build…');
    const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0)
      log(
        `npm run build reported type errors (JavaScript was still emitted; src/ is being edited?):\n${tail(`${build.stdout}${build.stderr}`, 12)}`,
      );
  }
  for (const entry of ['gateway.js', 'worker.js', 'sandbox/main.js'])
    if (!existsSync(path.join(ROOT, 'dist', entry)))
      throw new Error(`dist/${entry} is missing: the build failed`);
}

async function startApp(work: WorkDir, temporalAddress: string): Promise<World> {
  const [gatewayPort, sandboxPort, relayPort] = [await freePort(), await freePort(), await freePort()];
  const env = productionEnv(
    { gateway: gatewayPort, sandbox: sandboxPort, relay: relayPort },
    temporalAddress,
  );
  checkDeclared(env);
  const childEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env };
  const node = process.execPath;
  const sandbox = `http://127.0.0.1:${sandboxPort}`;
  const gateway = `http://127.0.0.1:${gatewayPort}`;

  const sandboxProc = startProcess('sandbox', node, ['dist/sandbox/main.js'], {
    env: childEnv,
    logDir: work.logs,
  });
  await until(
    'the sandbox to listen',
    async () => {
      if (!sandboxProc.alive()) throw new GiveUp(`the sandbox exited:\n${tail(sandboxProc.output())}`);
      await json(`${sandbox}/_sandbox/alerts/messages`);
      return true;
    },
    30_000,
  );

  // Two workers processes, as docker-compose runs them: each holds half of every API's rate limit.
  const workers = [1, 2].map((n) =>
    startProcess(`worker-${n}`, node, ['dist/worker.js'], {
      env: { ...childEnv, WORKER_REPLICAS: '2' },
      logDir: work.logs,
    }),
  );
  const gatewayProc = startProcess('gateway', node, ['dist/gateway.js'], {
    env: childEnv,
    logDir: work.logs,
  });
  await until(
    'the gateway to be ready (GET /readyz)',
    async () => {
      if (!gatewayProc.alive()) throw new GiveUp(`the gateway exited:\n${tail(gatewayProc.output())}`);
      const res = await fetch(`${gateway}/readyz`);
      return res.ok ? true : undefined;
    },
    60_000,
  );
  for (const w of workers)
    await until(
      `${w.name} to run`,
      () => {
        if (!w.alive()) throw new GiveUp(`${w.name} exited:\n${tail(w.output())}`);
        return /"msg":"workers running"/.test(w.output()) ? true : undefined;
      },
      60_000,
    );

  const connection = await Connection.connect({ address: temporalAddress });
  onCleanup('temporal client', () => connection.close());
  const client = new Client({ connection, namespace: NAMESPACE });
  return { env, sandbox, gateway, workers, client };
}

/** The records the events act on, created in the stand-ins as their users would (no webhooks). */
async function seed(world: World) {
  const { sandbox, env } = world;
  const hubspotApi = (properties: Record<string, string>) =>
    json<{ id: string }>(`${sandbox}/hubspot/crm/v3/objects/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.HUBSPOT_ACCESS_TOKEN}` },
      json: { properties },
    });
  // Contacts only the full sync brings to Mailchimp.
  await json(`${sandbox}/_sandbox/hubspot/contacts/bulk`, {
    method: 'POST',
    json: { count: COUNTS.bulkContacts, prefix: 'bulk' },
  });
  const buyers: { contactId: string; email: string }[] = [];
  for (let i = 0; i < COUNTS.deals; i++) {
    const email = `buyer${i}@example.com`;
    const c = await hubspotApi({ email, firstname: 'Buyer', lastname: `No${i}`, company: `Buyer Co ${i}` });
    buyers.push({ contactId: c.id, email });
  }
  const movers: { contactId: string; email: string; shopifyId: number; stripeId: string }[] = [];
  for (let i = 0; i < COUNTS.addresses; i++) {
    const email = `mover${i}@example.com`;
    const old = { line1: `${i} Old Road`, city: 'Springfield', state: 'OR', zip: '97477', country: 'US' };
    const c = await hubspotApi({
      email,
      firstname: 'Mover',
      lastname: `No${i}`,
      address: old.line1,
      city: old.city,
      state: old.state,
      zip: old.zip,
      country: old.country,
    });
    const shopify = await json<{ id: number }>(`${sandbox}/_sandbox/shopify/customers`, {
      method: 'POST',
      json: {
        email,
        first_name: 'Mover',
        last_name: `No${i}`,
        address: {
          address1: old.line1,
          city: old.city,
          province_code: old.state,
          zip: old.zip,
          country_code: old.country,
          country: 'United States',
        },
      },
    });
    const stripe = await json<{ id: string }>(`${sandbox}/stripe/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${env.STRIPE_SECRET_KEY}` },
      json: {
        email,
        name: `Mover No${i}`,
        address: {
          line1: old.line1,
          city: old.city,
          state: old.state,
          postal_code: old.zip,
          country: old.country,
        },
      },
    });
    movers.push({ contactId: c.id, email, shopifyId: shopify.id, stripeId: stripe.id });
  }
  const tickets: { ticketId: number; email: string }[] = [];
  for (let i = 0; i < COUNTS.tickets; i++) {
    const email = `asker${i}@example.com`;
    const t = await json<{ ticket: { id: number } }>(`${sandbox}/_sandbox/zendesk/tickets`, {
      method: 'POST',
      json: { subject: `Question ${i}`, requester: { name: `Asker ${i}`, email } },
    });
    tickets.push({ ticketId: t.ticket.id, email });
  }
  return { buyers, movers, tickets };
}

type Seeded = Awaited<ReturnType<typeof seed>>;

interface Expected {
  contacts: { id: string; email: string; firstname: string }[];
  deals: { id: string; name: string; big: boolean; buyerEmail: string }[];
  addresses: { line1: string; mover: Seeded['movers'][number] }[];
  orders: { orderId: number; trackingNumber?: string }[];
  tickets: Seeded['tickets'];
  fullSyncRuns: string[];
}

interface Chaos {
  /** e.g. "9.1 s into the burst (event 60/200)" */
  workerKilled?: string;
  serverStopped?: string;
  serverRestarted?: boolean;
  downSeconds?: string;
  served503?: number;
}

/** A different order each run (Fisher–Yates). */
function shuffle<T>(items: T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

async function burst(
  world: World,
  seeded: Seeded,
  relay: Awaited<ReturnType<typeof startRelay>>,
  server: Awaited<ReturnType<typeof temporalServer>>,
): Promise<{ expected: Expected; chaos: Chaos }> {
  const { sandbox, gateway } = world;
  const expected: Expected = {
    contacts: [],
    deals: [],
    addresses: [],
    orders: [],
    tickets: seeded.tickets,
    fullSyncRuns: [],
  };
  const chaos: Chaos = {};
  const burstStart = Date.now();
  const when = () =>
    `${((Date.now() - burstStart) / 1000).toFixed(1)} s into the burst (event ${created}/${TOTAL_EVENTS})`;
  const inflight = new Set<Promise<void>>();
  let created = 0;
  const track = (p: Promise<void>) => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };
  const send = (kind: Kind, label: string, d: Delivery) =>
    track(deliverTwice(gateway, kind, label, d, created++ % 3));

  // The fault schedule, by events sent: a worker dies at 30%, the Temporal server stops at 55%.
  const killAt = Math.round(TOTAL_EVENTS * 0.3);
  const stopAt = Math.round(TOTAL_EVENTS * 0.55);
  const manualAt = Math.round(TOTAL_EVENTS * 0.45);
  let outage: Promise<void> | undefined;
  const faults = async () => {
    if (created >= killAt && !chaos.workerKilled) {
      chaos.workerKilled = when();
      world.workers[0].child.kill('SIGKILL');
      log(
        `SIGKILL ${world.workers[0].name} (pid ${world.workers[0].child.pid}) after ${created} events; worker-2 carries on`,
      );
    }
    if (created >= manualAt && expected.fullSyncRuns.length === 0) {
      expected.fullSyncRuns.push('pending');
      track(
        (async () => {
          stats.deliveries++;
          const outcome = await post(
            `${gateway}/integrations/contact-full-sync/runs`,
            { authorization: `Bearer ${world.env.API_KEYS}`, 'content-type': 'application/json' },
            '{}',
            'contact-full-sync manual start',
          );
          const workflowId = (outcome.body as { workflowId?: string } | undefined)?.workflowId;
          expected.fullSyncRuns = workflowId ? [workflowId] : [];
          events.push({
            kind: 'contact',
            label: 'manual contact-full-sync',
            outcomes: [outcome],
            accepted: outcome.status === 202,
          });
          log(`POST /integrations/contact-full-sync/runs → ${outcome.status} ${workflowId ?? ''}`);
        })(),
      );
    }
    if (created >= stopAt && !outage) {
      outage = (async () => {
        chaos.serverStopped = when();
        const before503 = stats.byStatus.get(503) ?? 0;
        const stoppedAt = Date.now();
        log(`stopping the Temporal server after ${created} events (SIGTERM)…`);
        await server.stop();
        log('Temporal server stopped; the gateway should answer 503 until it is back');
        // Down long enough for senders to see it (several 503s), then back.
        await until(
          'senders to meet the outage',
          () =>
            Date.now() - stoppedAt > 6000 && (stats.byStatus.get(503) ?? 0) - before503 >= 3
              ? true
              : undefined,
          30_000,
        ).catch(() => undefined);
        await server.start();
        chaos.serverRestarted = true;
        chaos.downSeconds = ((Date.now() - stoppedAt) / 1000).toFixed(1);
        log(
          `Temporal server back after ${chaos.downSeconds} s down (${(stats.byStatus.get(503) ?? 0) - before503} × 503 so far)`,
        );
      })();
    }
  };

  // ShipBob ships each order once the workflow has created it there; the shipment webhook follows.
  const orderIds: number[] = [];
  const shipped = new Set<number>();
  const shipper = (async () => {
    const deadline = Date.now() + 4 * 60_000;
    while (shipped.size < COUNTS.orders) {
      const broken = workflowTaskFailures(world.workers);
      if (broken.count >= 20)
        throw new Error(
          `workflow code fails in the workers (${broken.count} workflow tasks failed): ${
            broken.runId ? await explainWorkflowTaskFailure(world, broken.runId) : broken.first
          }`,
        );
      if (Date.now() > deadline)
        throw new Error(`only ${shipped.size}/${COUNTS.orders} orders reached ShipBob`);
      const atShipbob = await json<{ reference_id: string; status: string }[]>(
        `${sandbox}/_sandbox/shipbob/orders`,
      ).catch(() => []);
      for (const o of atShipbob) {
        const orderId = Number(o.reference_id);
        if (!orderIds.includes(orderId) || shipped.has(orderId)) continue;
        shipped.add(orderId);
        await sleep(1000 / EVENT_RATE);
        const reply = await json<{
          order: { shipments: { tracking: { tracking_number: string } | null }[] };
          webhook: unknown;
        }>(`${sandbox}/_sandbox/shipbob/ship`, { method: 'POST', json: { referenceId: String(orderId) } });
        const entry = expected.orders.find((x) => x.orderId === orderId);
        if (entry) entry.trackingNumber = reply.order.shipments[0]?.tracking?.tracking_number;
        send('shipped', `order.shipped ${orderId}`, relay.take(reply.webhook));
        await faults();
      }
      await sleep(500);
    }
  })();
  // Awaited below; this only keeps an early failure of the main loop from leaving it unhandled.
  shipper.catch(() => undefined);

  const plan: { kind: Kind; i: number }[] = shuffle([
    ...Array.from({ length: COUNTS.contacts }, (_, i) => ({ kind: 'contact' as Kind, i })),
    ...Array.from({ length: COUNTS.deals }, (_, i) => ({ kind: 'deal' as Kind, i })),
    ...Array.from({ length: COUNTS.addresses }, (_, i) => ({ kind: 'address' as Kind, i })),
    ...Array.from({ length: COUNTS.orders }, (_, i) => ({ kind: 'order' as Kind, i })),
    ...Array.from({ length: COUNTS.tickets }, (_, i) => ({ kind: 'ticket' as Kind, i })),
  ]);
  log(`burst: ${TOTAL_EVENTS} events at ~${EVENT_RATE}/s, each delivered twice`);
  for (const { kind, i } of plan) {
    await sleep(1000 / EVENT_RATE);
    // Back-pressure: a sender has only so many deliveries in flight (they pile up while Temporal is down).
    while (inflight.size >= 40) await Promise.race(inflight);
    if (kind === 'contact') {
      const id = String(60_000 + i);
      const email = `new${i}@example.com`;
      const firstname = `New${i}`;
      expected.contacts.push({ id, email, firstname });
      const reply = await json<{ webhook: unknown }>(`${sandbox}/_sandbox/hubspot/contacts/${id}`, {
        method: 'POST',
        json: { properties: { email, firstname, lastname: 'Contact' } },
      });
      send(kind, `contact.creation ${id}`, relay.take(reply.webhook));
    } else if (kind === 'deal') {
      const id = String(80_000 + i);
      const big = i % 2 === 0;
      const name = `Production deal ${i}`;
      const buyer = seeded.buyers[i];
      expected.deals.push({ id, name, big, buyerEmail: buyer.email });
      const reply = await json<{ webhooks: unknown[] }>(`${sandbox}/_sandbox/hubspot/deals/${id}`, {
        method: 'POST',
        json: {
          properties: { dealname: name, dealstage: 'closedwon', amount: big ? '25000' : '4000' },
          contactId: buyer.contactId,
        },
      });
      send(kind, `deal.propertyChange ${id}`, relay.take(reply.webhooks[0]));
    } else if (kind === 'address') {
      const mover = seeded.movers[i];
      const line1 = `${i} New Avenue`;
      expected.addresses.push({ line1, mover });
      const reply = await json<{ webhook: unknown }>(
        `${sandbox}/_sandbox/hubspot/contacts/${mover.contactId}`,
        {
          method: 'POST',
          json: { properties: { address: line1 } },
        },
      );
      send(kind, `contact.propertyChange address ${mover.contactId}`, relay.take(reply.webhook));
    } else if (kind === 'order') {
      const reply = await json<{ order: { id: number }; webhook: unknown }>(
        `${sandbox}/_sandbox/shopify/orders`,
        {
          method: 'POST',
          json: {
            email: `shopper${i}@example.com`,
            line_items: [{ sku: `SKU-${i}`, title: `Item ${i}`, quantity: 1 + (i % 3) }],
          },
        },
      );
      orderIds.push(reply.order.id);
      expected.orders.push({ orderId: reply.order.id });
      send(kind, `orders/create ${reply.order.id}`, relay.take(reply.webhook));
    } else {
      const t = seeded.tickets[i];
      const reply = await json<{ webhook: unknown }>(
        `${sandbox}/_sandbox/zendesk/tickets/${t.ticketId}/solve`,
        {
          method: 'POST',
        },
      );
      send(kind, `ticket.solved ${t.ticketId}`, relay.take(reply.webhook));
    }
    await faults();
  }
  await shipper;
  await outage;
  while (inflight.size > 0) await Promise.race(inflight);
  // Every 503 came from the outage: those answered after the restart were asked while it was down.
  chaos.served503 = stats.byStatus.get(503) ?? 0;
  log(
    `burst done: ${events.length} events, ${stats.deliveries} deliveries, ${stats.attempts} attempts (${[
      ...stats.byStatus,
    ]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${n} × ${s || 'no answer'}`)
      .join(', ')})`,
  );
  return { expected, chaos };
}

// ---------------------------------------------------------------------------------------------------
// Verification: what the stand-ins hold, polled until settled (never a fixed sleep)

interface Verdict {
  doubled: number;
  missing: number;
  problems: string[];
  running: number;
  closedBadly: number;
  notes: string[];
}

async function verify(world: World, expected: Expected): Promise<Verdict> {
  const { sandbox, env, client } = world;
  const problems: string[] = [];
  let doubled = 0;
  let missing = 0;
  /** One expected effect: `count` found where `want` were due. */
  const expect = (what: string, count: number, want: number, stateOk = true) => {
    if (count > want) {
      doubled += count - want;
      problems.push(`doubled: ${what} (${count}×)`);
    } else if (count < want || !stateOk) {
      missing++;
      problems.push(`missing: ${what}${count < want ? '' : ' (wrong state)'}`);
    }
  };

  const members = await json<
    { email_address: string; merge_fields: Record<string, unknown>; status: string }[]
  >(`${sandbox}/_sandbox/mailchimp/lists/${env.MAILCHIMP_LIST_ID}/members`);
  const membersOf = (email: string) => members.filter((m) => m.email_address === email.toLowerCase());

  // contact-sync: every new contact is a list member with its name
  for (const c of expected.contacts) {
    const found = membersOf(c.email);
    expect(
      `Mailchimp member for HubSpot contact ${c.id}`,
      found.length,
      1,
      found[0]?.merge_fields.FNAME === c.firstname,
    );
  }

  // deal-won: one Slack line per big deal, one finalized invoice with one item per deal, deal marked
  const invoices = await json<{ id: string; status: string; metadata: Record<string, string> }[]>(
    `${sandbox}/_sandbox/stripe/invoices`,
  );
  const items = await json<{ invoice: string | null }[]>(`${sandbox}/_sandbox/stripe/invoiceitems`);
  const customers = await json<
    { id: string; email: string | null; address: { line1: string | null } | null }[]
  >(`${sandbox}/_sandbox/stripe/customers`);
  const slack = await json<{ channelName: string; text: string }[]>(`${sandbox}/_sandbox/slack/messages`);
  const deals = await json<{ id: string; properties: Record<string, string | null> }[]>(
    `${sandbox}/_sandbox/hubspot/deals`,
  );
  for (const d of expected.deals) {
    const dealInvoices = invoices.filter((i) => i.metadata.hubspot_deal_id === d.id);
    expect(`Stripe invoice for deal ${d.id}`, dealInvoices.length, 1, dealInvoices[0]?.status === 'open');
    for (const inv of dealInvoices)
      expect(`invoice item on ${inv.id} (deal ${d.id})`, items.filter((x) => x.invoice === inv.id).length, 1);
    expect(
      `Stripe customer for ${d.buyerEmail}`,
      customers.filter((c) => c.email === d.buyerEmail).length,
      1,
    );
    const lines = slack.filter((m) => m.text.includes(`*${d.name}*`));
    expect(`Slack announcement of deal ${d.id}`, lines.length, d.big ? 1 : 0);
    const deal = deals.find((x) => x.id === d.id);
    expect(
      `deal ${d.id} marked invoiced in HubSpot`,
      deal ? 1 : 0,
      1,
      deal?.properties.switchboard_invoice_status === 'invoiced',
    );
  }
  const finance = slack.filter((m) => m.channelName === 'finance');
  if (finance.length > 0) {
    missing += finance.length;
    problems.push(
      `invoicing failed: ${finance.length} message(s) in #finance: ${finance[0].text.slice(0, 160)}`,
    );
  }

  // address-propagation: the new street in Shopify and Stripe, nothing added twice
  for (const a of expected.addresses) {
    const shopify = await json<{
      customer: { default_address: { address1?: string } | null; addresses: unknown[] };
    }>(`${sandbox}/shopify/customers/${a.mover.shopifyId}.json`, {
      headers: { 'x-shopify-access-token': env.SHOPIFY_ACCESS_TOKEN },
    });
    expect(
      `Shopify address of ${a.mover.email}`,
      shopify.customer.addresses.length,
      1,
      shopify.customer.default_address?.address1 === a.line1,
    );
    const stripe = customers.filter((c) => c.email === a.mover.email);
    expect(`Stripe address of ${a.mover.email}`, stripe.length, 1, stripe[0]?.address?.line1 === a.line1);
    expect(`Mailchimp member for ${a.mover.email}`, membersOf(a.mover.email).length, 1);
  }

  // order-fulfillment: one ShipBob order per Shopify order, one fulfillment with ShipBob's tracking
  const shipbobOrders = await json<{ reference_id: string }[]>(`${sandbox}/_sandbox/shipbob/orders`);
  for (const o of expected.orders) {
    expect(
      `ShipBob order for Shopify order ${o.orderId}`,
      shipbobOrders.filter((x) => x.reference_id === String(o.orderId)).length,
      1,
    );
    const order = await json<{ fulfillments: { tracking_number: string | null }[] }>(
      `${sandbox}/_sandbox/shopify/orders/${o.orderId}`,
    );
    expect(
      `Shopify fulfillment of order ${o.orderId}`,
      order.fulfillments.length,
      1,
      Boolean(o.trackingNumber) && order.fulfillments[0]?.tracking_number === o.trackingNumber,
    );
  }

  // ticket-survey: one survey email per solved ticket, ticket tagged
  const emails = await json<{ to: { email: string } }[]>(`${sandbox}/_sandbox/mandrill/messages`);
  for (const t of expected.tickets) {
    const ticket = await json<{ ticket: { tags: string[] } }>(
      `${sandbox}/_sandbox/zendesk/tickets/${t.ticketId}`,
    );
    expect(
      `survey email for ticket ${t.ticketId}`,
      emails.filter((m) => m.to.email === t.email).length,
      1,
      // The survey-sent tag (`survey-sent`, formerly `csat_survey_sent`) is what stops a second survey.
      ticket.ticket.tags.some((t) => /survey[-_]sent$/.test(t)),
    );
  }

  // contact-full-sync: the run completed and every HubSpot contact is a member
  for (const workflowId of expected.fullSyncRuns) {
    const status = await client.workflow
      .getHandle(workflowId)
      .describe()
      .then((d) => d.status.name)
      .catch((err: Error) => `unknown (${err.message})`);
    expect(`manual full sync ${workflowId} completed`, 1, 1, status === 'COMPLETED');
  }
  if (expected.fullSyncRuns.length === 0) expect('manual full sync accepted', 0, 1);
  const contacts = await json<{ archived: boolean; properties: { email?: string | null } }[]>(
    `${sandbox}/_sandbox/hubspot/contacts`,
  );
  const withEmail = contacts.filter((c) => !c.archived && c.properties.email);
  const absent = withEmail.filter((c) => membersOf(String(c.properties.email)).length !== 1);
  if (absent.length > 0) {
    missing += absent.length;
    problems.push(
      `missing: ${absent.length}/${withEmail.length} HubSpot contacts not in Mailchimp after the full sync`,
    );
  }

  // No run failed (each would have alerted), none is left running.
  const alerts = await json<{ text: string }[]>(`${sandbox}/_sandbox/alerts/messages`);
  if (alerts.length > 0) problems.push(`${alerts.length} alert(s), first: ${alerts[0].text.slice(0, 200)}`);
  const running = (await client.workflow.count('ExecutionStatus = "Running"')).count;
  const closedBadly = (
    await client.workflow.count(
      'ExecutionStatus = "Failed" OR ExecutionStatus = "Terminated" OR ExecutionStatus = "TimedOut" OR ExecutionStatus = "Canceled"',
    )
  ).count;
  // One run per deal and per order, ever: a second would be a duplicate the workflow id failed to stop.
  for (const [integration, want] of [
    ['deal-won', expected.deals.length],
    ['order-fulfillment', expected.orders.length],
  ] as const)
    expect(
      `${integration} runs`,
      (await client.workflow.count(`Integration = "${integration}"`)).count,
      want,
    );
  const taskFailures = workflowTaskFailures(world.workers);
  if (taskFailures.count > 0)
    problems.push(
      `${taskFailures.count} workflow task(s) failed in worker code, first: ${
        taskFailures.runId ? await explainWorkflowTaskFailure(world, taskFailures.runId) : taskFailures.first
      }`,
    );
  if (closedBadly > 0) problems.push(`${closedBadly} run(s) failed, timed out, were terminated or cancelled`);
  const notes = [
    `${members.length} Mailchimp members`,
    `${invoices.length} invoices`,
    `${slack.filter((m) => m.channelName === 'sales').length} Slack lines in #sales`,
    `${shipbobOrders.length} ShipBob orders`,
    `${emails.length} survey emails`,
    `${alerts.length} alerts`,
  ];
  return {
    doubled,
    missing: missing + alerts.length,
    problems,
    running,
    closedBadly: closedBadly + taskFailures.count,
    notes,
  };
}

async function main(): Promise<void> {
  let work: WorkDir | undefined;
  let failed = true;
  let interrupted = false;
  const interrupt = (signal: string) => {
    interrupted = true;
    process.stdout.write(`\n${signal}: stopping every process and removing the temp directory…\n`);
    void cleanupAll().then(() => process.exit(130));
  };
  process.once('SIGINT', () => interrupt('SIGINT'));
  process.once('SIGTERM', () => interrupt('SIGTERM'));
  try {
    await buildApp();
    const pgBin = ensurePostgres();
    const temporalBin = ensureTemporal();
    const cli = resolveTemporalCli({ log });
    if (!cli) throw new Error('no Temporal CLI (TEMPORAL_CLI_PATH, PATH or `npm run temporal:install`)');
    work = makeWorkDir(process.env.PRODUCTION_KEEP === '1');
    log(`work directory ${work.root}`);

    const pg = await startPostgres(pgBin, work);
    log(
      `PostgreSQL ${path.basename(path.dirname(path.dirname(pgBin.postgres)))} on 127.0.0.1:${pg.port} (fresh cluster)`,
    );
    setupTemporalSchema(temporalBin, pg);
    log('Temporal schema set up (temporal, temporal_visibility)');
    const server = await temporalServer(temporalBin, pg, cli, work);
    await server.start();
    log(`Temporal server v1.29.1 (${temporalBin.server}) serving on ${server.address}`);
    await prepareNamespace(cli, server.address, NAMESPACE);
    log(
      `namespace ${NAMESPACE} (7d retention) and search attributes Integration, Source, EventType, RecordId`,
    );

    const world = await startApp(work, server.address);
    const relay = await startRelay(Number(new URL(world.env.PUBLIC_BASE_URL).port));
    log(
      `sandbox ${world.sandbox}, gateway ${world.gateway}, 2 workers: NODE_ENV=production, fresh credentials`,
    );
    const seeded = await seed(world);
    log(
      `seeded: ${COUNTS.bulkContacts + COUNTS.deals + COUNTS.addresses} HubSpot contacts, ${COUNTS.addresses} Shopify + Stripe customers, ${COUNTS.tickets} Zendesk tickets`,
    );

    const burstStart = Date.now();
    const { expected, chaos } = await burst(world, seeded, relay, server);
    if (!chaos.workerKilled || !chaos.serverRestarted) throw new Error('the faults did not happen');

    let verdict: Verdict | undefined;
    const settled = await until(
      'every effect to be in the sandbox and every run to be closed',
      async () => {
        verdict = await verify(world, expected);
        if (verdict.running === 0 && verdict.missing === 0 && verdict.doubled === 0) return verdict;
        // Extra side effects never go away: once nothing is running, a double is final.
        if (verdict.running === 0 && verdict.doubled > 0) return verdict;
        return undefined;
      },
      5 * 60_000,
      2000,
    ).catch((err: Error) => {
      log(err.message);
      return verdict;
    });
    if (!settled) throw new Error('nothing could be verified');

    const accepted = events.filter((e) => e.accepted).length;
    const webhookEvents = events.filter((e) => e.label !== 'manual contact-full-sync').length;
    const pass =
      settled.missing === 0 &&
      settled.doubled === 0 &&
      settled.running === 0 &&
      settled.closedBadly === 0 &&
      accepted === events.length &&
      stats.rejected.length === 0 &&
      stats.ignoredEvents === 0 &&
      (chaos.served503 ?? 0) > 0;
    const total = ((Date.now() - T0) / 1000).toFixed(0);
    log(`sandbox holds: ${settled.notes.join(', ')}`);
    log(
      `deliveries answered: ${[...stats.byStatus]
        .sort(([a], [b]) => a - b)
        .map(([s, n]) => `${n} × ${s || 'no answer'}`)
        .join(
          ', ',
        )}; ${stats.duplicateAnswers} event answers "duplicate"; ${stats.missingRetryAfter} 503s without Retry-After`,
    );
    const lost = lostCompletions(world.workers);
    if (lost > 0)
      log(
        `${lost} activity result(s) could not be reported while Temporal was down: Temporal ran them again`,
      );
    for (const p of [...settled.problems, ...stats.rejected.map((r) => `not accepted: ${r}`)].slice(0, 25))
      log(`  ${p}`);
    if (stats.ignoredEvents > 0) log(`  ${stats.ignoredEvents} event(s) answered "ignored"`);
    if (settled.running > 0) log(`  ${settled.running} run(s) still running at the deadline`);
    if (!(chaos.served503 ?? 0)) log('  the gateway never answered 503 while Temporal was down');
    process.stdout.write(
      `production run: ${pass ? 'PASS' : 'FAIL'} — ${webhookEvents} events, ${stats.deliveries - 1} deliveries (+1 manual full sync), ` +
        `${accepted - (expected.fullSyncRuns.length ? 1 : 0)} accepted, ${settled.doubled} doubled, ${settled.missing} missing, ` +
        `worker killed ${chaos.workerKilled}, server stopped ${chaos.serverStopped} and restarted ${chaos.downSeconds} s later ` +
        `(${chaos.served503} × 503), burst + checks ${((Date.now() - burstStart) / 1000).toFixed(0)} s, in ${total} s\n`,
    );
    failed = !pass;
  } catch (err) {
    if (!interrupted) process.stdout.write(`production run: FAIL — ${(err as Error).stack ?? String(err)}\n`);
  } finally {
    if (failed && work && !interrupted) log(`logs kept in ${path.relative(ROOT, saveLogs(work))}`);
    await cleanupAll();
  }
  process.exit(interrupted ? 130 : failed ? 1 : 0);
}

void main();
