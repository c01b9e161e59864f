/**
 * `npm run bench`: Switchboard's speed on this machine, in the configuration users run — `npm start`
 * (the Temporal dev server on its SQLite file with the WAL pragmas, and the sandbox APIs, the workers and
 * the gateway, each a process of its own), started by the bench as `node dist/dev.js` after `npm run build` — with every baseline
 * measured in the same run, so the goals are ratios that hold on any machine:
 *
 *   1. gateway accept rate vs bare `client.workflow.start` on the stack's own server (N in flight each);
 *      the gateway's own cost (verify, parse, route) per webhook, in process, Temporal stubbed out
 *   2. sustained accepted webhooks/s at a fixed arrival rate (open loop) for BENCH_DURATION s, p50/p95/p99,
 *      errors; vs a plain `temporal server start-dev --db-filename` (default SQLite settings) bare start rate
 *   3. end to end (webhook → contact read in HubSpot → member in Mailchimp) throughput vs the accept rate,
 *      and its p50 at low load vs a bare one-activity workflow's round trip
 *   4. the resident memory of each process of the stack under that load (workers, gateway, sandbox…)
 *   5. a full sync of BENCH_FULL_SYNC_CONTACTS contacts with npm start's default rate limits
 *
 * Goals 1–4 raise the HubSpot and Mailchimp rate limits (10/s each by default) to 1000/s: they measure
 * Switchboard and Temporal, not the APIs' quotas. Goal 5 keeps the defaults: it measures the sync at them.
 *
 * Writes bench/results/<date>.json and the README's table (between the bench markers).
 * `npm run bench:smoke` (BENCH_SMOKE=1) runs every phase tiny, from source, writes nothing, and fails
 * only when something errors: no timing is ever asserted.
 *
 * Settings: BENCH_DURATION (s, 60), BENCH_RATE (webhooks/s, 220), BENCH_CONCURRENCY (in flight for the
 * closed-loop rates, 20), BENCH_CLOSED_S (s per closed-loop round, 10), BENCH_FULL_SYNC_CONTACTS (100000),
 * BENCH_NO_BUILD=1 (measure the current dist/).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import prettier from 'prettier';
import { loadConfig, SANDBOX_API_KEY } from '../src/config';
import { subscriberHash } from '../src/systems/mailchimp/api';
import { resolveTemporalCli } from '../src/runtime/cli';
import { dataConverter } from '../src/runtime/dataConverter';
import {
  bareStarts,
  devServerBareStarts,
  gatewayOverhead,
  gatewayRequests,
  oneActivityRoundTrips,
  OPEN_RUNS,
  signalsToOpenRuns,
} from './baselines';
import {
  closedLoop,
  ClosedLoopResult,
  getJson,
  LatencySummary,
  openLoop,
  OpenLoopResult,
  post,
  round,
  summarize,
} from './load';
import { renderReadme, Goal } from './report';
import { ProcessMemory, ROOT, RunningStack, startStack } from './stack';
import { hubspotWebhook } from './webhooks';

const SMOKE = process.env.BENCH_SMOKE === '1';
const num = (name: string, full: number, smoke: number) =>
  Number(process.env[name] ?? (SMOKE ? smoke : full));
const DURATION_S = num('BENCH_DURATION', 60, 2);
const RATE = num('BENCH_RATE', 220, 20);
const CONCURRENCY = num('BENCH_CONCURRENCY', 20, 4);
const CLOSED_S = num('BENCH_CLOSED_S', 10, 1);
const FULL_SYNC_CONTACTS = num('BENCH_FULL_SYNC_CONTACTS', 100_000, 300);
const OVERHEAD_REQUESTS = SMOKE ? 30 : 2000;
const ONE_ACTIVITY_RUNS = SMOKE ? 3 : 50;
const LOW_LOAD_WEBHOOKS = SMOKE ? 3 : 30;
const CLOSED_ROUNDS = SMOKE ? 1 : 2;
const DRAIN_TIMEOUT_S = SMOKE ? 120 : Math.max(300, DURATION_S * 5);
const RAISED_LIMITS = { HUBSPOT_RATE_LIMIT_PER_SECOND: '1000', MAILCHIMP_RATE_LIMIT_PER_SECOND: '1000' };

const sandboxConfig = loadConfig({ ...process.env, SWITCHBOARD_SANDBOX: 'true', LOG_LEVEL: 'silent' });
const LIST_ID = sandboxConfig.contactSync.mailchimpListId;
const HUBSPOT_SECRET = sandboxConfig.webhookSecrets.hubspot[0];
const mailchimpAuth = sandboxConfig.systems.mailchimp.auth;
const MAILCHIMP_BASIC =
  mailchimpAuth.type === 'basic'
    ? `Basic ${Buffer.from(`${mailchimpAuth.username}:${mailchimpAuth.password}`).toString('base64')}`
    : '';

const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Peak resident memory per role while a phase runs. */
class MemoryPeaks {
  readonly peaks: Record<string, number> = {};
  sample(stack: RunningStack): void {
    for (const p of stack.memory()) this.peaks[p.role] = Math.max(this.peaks[p.role] ?? 0, p.rssMb);
  }
}

/** The stack's sandbox: contacts in HubSpot, members in Mailchimp. */
function sandboxOf(stack: RunningStack) {
  return {
    /** Creates `count` HubSpot contacts; their ids are consecutive, their emails `<prefix>-<n>@example.com`. */
    async seed(
      count: number,
      prefix: string,
    ): Promise<{ id: (n: number) => number; email: (n: number) => string }> {
      const res = await post(
        `${stack.sandboxUrl}/_sandbox/hubspot/contacts/bulk`,
        JSON.stringify({ count, prefix }),
        { 'content-type': 'application/json' },
      );
      if (res.status !== 201) throw new Error(`seeding ${count} contacts: ${res.status} ${res.body}`);
      const first = Number((JSON.parse(res.body) as { firstId: string }).firstId);
      return { id: (n) => first + n, email: (n) => `${prefix}-${n}@example.com` };
    },
    stats: () =>
      getJson<{ member_count: number; last_changed: string | null }>(
        `${stack.sandboxUrl}/_sandbox/mailchimp/lists/${LIST_ID}/stats`,
      ),
    async member(email: string): Promise<{ last_changed: string } | undefined> {
      const res = await fetch(
        `${stack.sandboxUrl}/mailchimp/3.0/lists/${LIST_ID}/members/${subscriberHash(email)}`,
        {
          headers: { authorization: MAILCHIMP_BASIC },
        },
      );
      return res.status === 200 ? ((await res.json()) as { last_changed: string }) : undefined;
    },
  };
}

async function temporalClient(address: string): Promise<Client> {
  return new Client({
    connection: await Connection.connect({ address }),
    dataConverter: dataConverter(sandboxConfig.temporal),
  });
}

let webhookEventId = Date.now() * 10;
async function sendWebhook(stack: RunningStack, contactId: number): Promise<true | string> {
  const url = `${stack.gatewayUrl}/webhooks/hubspot`;
  const { body, headers } = hubspotWebhook(url, HUBSPOT_SECRET, contactId, webhookEventId++);
  const res = await post(url, body, headers);
  return res.status === 202 ? true : `HTTP ${res.status}`;
}

/**
 * Waits until the list holds `expected` members, or DRAIN_TIMEOUT_S passed; says how many it holds and
 * when the last one was written (epoch ms).
 */
async function drained(
  stack: RunningStack,
  expected: number,
  peaks?: MemoryPeaks,
): Promise<{ members: number; lastWrittenAt: number; complete: boolean }> {
  const deadline = Date.now() + DRAIN_TIMEOUT_S * 1000;
  for (;;) {
    peaks?.sample(stack);
    const stats = await sandboxOf(stack).stats();
    const complete = stats.member_count >= expected;
    if (complete || Date.now() > deadline)
      return {
        members: stats.member_count,
        lastWrittenAt: Date.parse(stats.last_changed ?? '') || Date.now(),
        complete,
      };
    await sleep(250);
  }
}

interface StackResults {
  bareStarts: ClosedLoopResult[];
  signalsToOpenRuns: ClosedLoopResult[];
  gatewayRequestsDirect: ClosedLoopResult[];
  gatewayClosedLoop: ClosedLoopResult[];
  oneActivityRoundTripMs: LatencySummary;
  e2eLowLoadMs: LatencySummary;
  sustained: OpenLoopResult;
  e2e: { contacts: number; accepted: number; complete: boolean; seconds: number; perSecond: number };
  memoryPeakMb: Record<string, number>;
  memoryAfterMb: ProcessMemory[];
}

/** Goals 1–4 on one `npm start` stack with raised API rate limits. */
async function measureStack(stack: RunningStack): Promise<StackResults> {
  const sandbox = sandboxOf(stack);
  const client = await temporalClient(stack.temporalAddress);
  let expected = (await sandbox.stats()).member_count;
  try {
    log('one-activity workflow round trips (baseline of goal 3)');
    const oneActivityRoundTripMs = await oneActivityRoundTrips(stack.temporalAddress, ONE_ACTIVITY_RUNS);

    log('end to end at low load: one webhook at a time, until its member is in Mailchimp');
    const low = await sandbox.seed(LOW_LOAD_WEBHOOKS + 3, 'bench-low');
    const lowLatencies: number[] = [];
    for (let n = 0; n < LOW_LOAD_WEBHOOKS + 3; n++) {
      const sentAt = Date.now();
      const outcome = await sendWebhook(stack, low.id(n));
      if (outcome !== true) throw new Error(`low-load webhook: ${outcome}`);
      expected++;
      let member: { last_changed: string } | undefined;
      const deadline = Date.now() + 30_000;
      while (!(member = await sandbox.member(low.email(n)))) {
        if (Date.now() > deadline) throw new Error(`contact ${low.id(n)} never reached Mailchimp`);
        await sleep(5);
      }
      if (n >= 3) lowLatencies.push(Date.parse(member.last_changed) - sentAt); // the first three warm up
    }

    log(
      `closed loop, ${CONCURRENCY} in flight: bare starts, the gateway's request made directly, the gateway; ` +
        `${CLOSED_ROUNDS} round(s) of ${CLOSED_S} s each`,
    );
    // More contacts than the gateway can take in that time; a webhook past the last would be refused.
    const closedCount = Math.ceil(1000 * CLOSED_S * CLOSED_ROUNDS);
    const closedContacts = await sandbox.seed(closedCount, 'bench-closed');
    let nextClosed = 0;
    const bare: ClosedLoopResult[] = [];
    const signals: ClosedLoopResult[] = [];
    const requests: ClosedLoopResult[] = [];
    const gateway: ClosedLoopResult[] = [];
    for (let round = 0; round < CLOSED_ROUNDS; round++) {
      bare.push(await bareStarts(client, CONCURRENCY, CLOSED_S));
      signals.push(await signalsToOpenRuns(client, CONCURRENCY, CLOSED_S));
      requests.push(await gatewayRequests(client, sandboxConfig, CONCURRENCY, CLOSED_S));
      const result = await closedLoop({
        concurrency: CONCURRENCY,
        durationS: CLOSED_S,
        op: async () =>
          nextClosed < closedCount
            ? sendWebhook(stack, closedContacts.id(nextClosed++))
            : 'out of seeded contacts',
      });
      gateway.push(result);
      expected += result.ok;
      log(
        `  round ${round + 1}: bare ${bare[round].perSecond}/s, signals ${signals[round].perSecond}/s, request ${requests[round].perSecond}/s, ` +
          `gateway ${result.perSecond}/s; draining`,
      );
      const drain = await drained(stack, expected);
      if (!drain.complete)
        throw new Error(`only ${drain.members} of ${expected} members after ${DRAIN_TIMEOUT_S} s`);
    }

    log(`open loop: ${RATE} webhooks/s for ${DURATION_S} s`);
    const contacts = await sandbox.seed(Math.ceil(RATE * DURATION_S), 'bench-sustained');
    const peaks = new MemoryPeaks();
    const startedAt = Date.now();
    const sustained = await openLoop({
      rate: RATE,
      durationS: DURATION_S,
      send: (i) => sendWebhook(stack, contacts.id(i)),
      onSecond: (s) => {
        peaks.sample(stack);
        if (s % 10 === 0) log(`  ${s} s`);
      },
    });
    const before = expected;
    expected += sustained.ok;
    log(`  accepted ${sustained.ok}/${sustained.sent}; waiting for every member`);
    const drain = await drained(stack, expected, peaks);
    const written = drain.members - before;
    const e2eSeconds = (drain.lastWrittenAt - startedAt) / 1000;
    if (!drain.complete)
      log(`  only ${written} of ${sustained.ok} members after ${DRAIN_TIMEOUT_S} s: e2e is a partial count`);
    return {
      bareStarts: bare,
      signalsToOpenRuns: signals,
      gatewayRequestsDirect: requests,
      gatewayClosedLoop: gateway,
      oneActivityRoundTripMs,
      e2eLowLoadMs: summarize(lowLatencies),
      sustained,
      e2e: {
        contacts: written,
        accepted: sustained.ok,
        complete: drain.complete,
        seconds: round(e2eSeconds, 2),
        perSecond: round(written / e2eSeconds),
      },
      memoryPeakMb: peaks.peaks,
      memoryAfterMb: stack.memory(),
    };
  } finally {
    await client.connection.close();
  }
}

interface FullSyncResults {
  contacts: number;
  seconds: number;
  contactsPerSecond: number;
  runs: number;
  pages: number;
  upserted: number;
  failed: number;
  retriedOneByOne: number;
  historyEventsPerRun: { max: number; runsSampled: number };
  historyBytesPerRunMax: number;
  rateLimits: { hubspot: string; mailchimp: string };
  memoryPeakMb: Record<string, number>;
}

/** Goal 5: the scheduled full sync, started by hand through the gateway, over N seeded contacts. */
async function measureFullSync(
  stack: RunningStack,
  limits: { hubspot: string; mailchimp: string },
): Promise<FullSyncResults> {
  const sandbox = sandboxOf(stack);
  const client = await temporalClient(stack.temporalAddress);
  try {
    await sandbox.seed(FULL_SYNC_CONTACTS, 'bench-full');
    const res = await fetch(`${stack.gatewayUrl}/integrations/contact-full-sync/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SANDBOX_API_KEY}`, 'content-type': 'application/json' },
      body: '{}',
    });
    if (res.status !== 202) throw new Error(`starting the full sync: ${res.status} ${await res.text()}`);
    const { workflowId } = (await res.json()) as { workflowId: string };
    log(`full sync ${workflowId} started`);
    const peaks = new MemoryPeaks();
    const sampler = setInterval(() => peaks.sample(stack), 1000);
    const started = Date.now();
    let result: Record<string, number>;
    try {
      const handle = client.workflow.getHandle(workflowId);
      // Bounded: at 1,000 contacts/s the sync takes 100 s; a quarter of an hour means it is stuck.
      const timeout = setTimeout(
        () => void handle.terminate('bench: no result within 15 minutes'),
        15 * 60_000,
      );
      result = (await handle.result().finally(() => clearTimeout(timeout))) as Record<string, number>;
    } finally {
      clearInterval(sampler);
    }
    const seconds = (Date.now() - started) / 1000;
    // The history of a few runs the chain closed with continue-as-new: it must stay small.
    const events: number[] = [];
    const bytes: number[] = [];
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      if (events.length >= 5) break;
      const description = await client.workflow.getHandle(workflowId, run.runId).describe();
      events.push(description.historyLength);
      bytes.push(description.historySize ?? 0);
    }
    return {
      contacts: result.contacts,
      seconds: round(seconds, 1),
      contactsPerSecond: round(result.contacts / seconds),
      runs: result.runs,
      pages: result.pages,
      upserted: result.upserted,
      failed: result.failed,
      retriedOneByOne: result.retriedOneByOne ?? 0,
      historyEventsPerRun: { max: Math.max(...events), runsSampled: events.length },
      historyBytesPerRunMax: Math.max(...bytes),
      rateLimits: limits,
      memoryPeakMb: peaks.peaks,
    };
  } finally {
    await client.connection.close();
  }
}

function build(): string {
  if (SMOKE) return 'none (smoke: src/dev.ts through ts-node)';
  if (process.env.BENCH_NO_BUILD === '1') return 'skipped (BENCH_NO_BUILD=1): the existing dist/';
  log('npm run build (tsc -p tsconfig.build.json)');
  const tsc = spawnSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      encoding: 'utf8',
    },
  );
  if (!existsSync(path.join(ROOT, 'dist', 'dev.js')))
    throw new Error(`the build made no dist/dev.js:\n${tsc.stdout}`);
  if (tsc.status === 0) return 'npm run build';
  log(`the build reported type errors; measuring the JavaScript it emitted:\n${tsc.stdout.slice(0, 1500)}`);
  return 'npm run build (with type errors; the emitted JavaScript was measured)';
}

function machine() {
  const cli = resolveTemporalCli({ install: false, log: () => undefined });
  const version = cli ? spawnSync(cli, ['--version'], { encoding: 'utf8' }).stdout.trim() : 'sdk download';
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    temporal: version,
    os: `${os.type()} ${os.release()}`,
  };
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  const entry = SMOKE ? 'ts-node' : 'dist';
  const buildNote = build();
  const stackDescription =
    `npm start (${entry === 'dist' ? 'node dist/dev.js' : 'src/dev.ts via ts-node'}): the Temporal dev server on a ` +
    'SQLite file with --sqlite-pragma journal_mode=wal --sqlite-pragma synchronous=normal, and the sandbox APIs, ' +
    'the workers and the gateway each in a process of its own, as `npm start` runs them';
  log(`stack under test: ${stackDescription}; logs in ${workDir}`);

  log(`gateway overhead: ${OVERHEAD_REQUESTS} signed webhooks, one at a time, Temporal stubbed`);
  const overhead = await gatewayOverhead(OVERHEAD_REQUESTS);

  log(
    `dev servers alone, bare starts, ${CONCURRENCY} in flight for ${CLOSED_S} s: plain SQLite file, then with the pragmas`,
  );
  const plainFile = await devServerBareStarts({}, CONCURRENCY, CLOSED_S);
  const walFile = await devServerBareStarts(undefined, CONCURRENCY, CLOSED_S);

  log('starting the stack (API rate limits raised to 1000/s)');
  const stackA = await startStack({
    entry,
    dataDir: path.join(workDir, 'data-a'),
    logFile: path.join(workDir, 'stack-a.log'),
    env: RAISED_LIMITS,
  });
  let stack: StackResults;
  let fullSync: FullSyncResults;
  try {
    stack = await measureStack(stackA);
    if (SMOKE) fullSync = await measureFullSync(stackA, { hubspot: '1000', mailchimp: '1000' });
  } finally {
    await stackA.stop();
  }
  if (!SMOKE) {
    log("starting the stack with npm start's default rate limits for the full sync");
    const stackB = await startStack({
      entry,
      dataDir: path.join(workDir, 'data-b'),
      logFile: path.join(workDir, 'stack-b.log'),
    });
    try {
      fullSync = await measureFullSync(stackB, {
        hubspot: String(sandboxConfig.systems.hubspot.rateLimitPerSecond),
        mailchimp: String(sandboxConfig.systems.mailchimp.rateLimitPerSecond),
      });
    } finally {
      await stackB.stop();
    }
  }

  const mean = (xs: number[]) => round(xs.reduce((a, b) => a + b, 0) / xs.length);
  const bareRate = mean(stack.bareStarts.map((r) => r.perSecond));
  const gatewayRate = mean(stack.gatewayClosedLoop.map((r) => r.perSecond));
  const requestRate = mean(stack.gatewayRequestsDirect.map((r) => r.perSecond));
  const signalRate = mean(stack.signalsToOpenRuns.map((r) => r.perSecond));
  const roles = stack.memoryPeakMb;
  // npm start's children (src/dev.ts): goal 4 is about the workers; the gateway's figure is reported beside.
  const ROLE_ORDER = ['workers', 'gateway', 'sandbox', 'npm start (supervisor)', 'temporal dev server'];
  const rank = (role: string) => (ROLE_ORDER.includes(role) ? ROLE_ORDER.indexOf(role) : ROLE_ORDER.length);
  const memoryByRole = Object.entries(roles).sort(([a], [b]) => rank(a) - rank(b));
  const e2eRatio = stack.e2e.perSecond / stack.sustained.acceptedPerSecond;
  const goals: Goal[] = [
    {
      goal: '1. gateway accept rate vs bare starts, same server',
      measured: `${gatewayRate}/s vs ${bareRate}/s (${CONCURRENCY} in flight)`,
      ratio: round(gatewayRate / bareRate, 2),
      target: '≥ 0.95×',
      met: gatewayRate / bareRate >= 0.95,
    },
    {
      goal: "1. why: the gateway's Temporal request alone (signalWithStart with the run's search attributes and summary), direct, no worker, vs bare starts",
      measured: `${requestRate}/s vs ${bareRate}/s`,
      ratio: round(requestRate / bareRate, 2),
      target: '(the server cost of what a run records)',
      met: null,
    },
    {
      goal: '1. why: the gateway (HTTP, and its runs processed meanwhile) vs its request alone',
      measured: `${gatewayRate}/s vs ${requestRate}/s`,
      ratio: round(gatewayRate / requestRate, 2),
      target: '(the rest: the gateway, and the work of the runs it started)',
      met: null,
    },
    {
      goal: `1. beside: a signal into one of ${OPEN_RUNS} open runs (no worker) vs bare starts, the accept path of fewer runs than webhooks`,
      measured: `${signalRate}/s vs ${bareRate}/s`,
      ratio: round(signalRate / bareRate, 2),
      target: '(what batching records into runs would accept; not the design today)',
      met: null,
    },
    {
      goal: "1. gateway's own cost per webhook: verify, parse, route, plan, log (Temporal stubbed, 1 in flight)",
      measured:
        `p50 ${round(overhead.gateway.p50 - overhead.httpFloor.p50, 2)} ms over the HTTP floor ` +
        `(round trip ${overhead.gateway.p50} ms, a bare Express 202 ${overhead.httpFloor.p50} ms)`,
      ratio: null,
      target: '≤ 1 ms p50',
      met: overhead.gateway.p50 - overhead.httpFloor.p50 <= 1,
    },
    {
      goal: `2. sustained, open loop at ${RATE}/s for ${DURATION_S} s`,
      measured:
        `${stack.sustained.acceptedPerSecond}/s accepted, p50 ${stack.sustained.latencyMs.p50} / p95 ${stack.sustained.latencyMs.p95} / ` +
        `p99 ${stack.sustained.latencyMs.p99} ms, ${stack.sustained.errors} errors`,
      ratio: null,
      target: '≥ 220/s, p99 < 250 ms, 0 errors',
      met:
        stack.sustained.acceptedPerSecond >= 220 &&
        stack.sustained.latencyMs.p99 < 250 &&
        stack.sustained.errors === 0,
    },
    {
      goal: '2. sustained accepted vs a plain dev server (default SQLite) bare starts',
      measured: `${stack.sustained.acceptedPerSecond}/s vs ${plainFile.perSecond}/s`,
      ratio: round(stack.sustained.acceptedPerSecond / plainFile.perSecond, 2),
      target: '≥ 2×',
      met: stack.sustained.acceptedPerSecond / plainFile.perSecond >= 2,
    },
    {
      goal: '3. end to end (webhook → Mailchimp member) vs accept rate',
      measured: `${stack.e2e.contacts} members in ${stack.e2e.seconds} s = ${stack.e2e.perSecond}/s vs ${stack.sustained.acceptedPerSecond}/s`,
      ratio: round(e2eRatio, 2),
      target: '≥ 0.5×',
      met: e2eRatio >= 0.5,
    },
    {
      goal: '3. end to end p50 at low load vs a one-activity workflow round trip',
      measured: `${stack.e2eLowLoadMs.p50} ms vs ${stack.oneActivityRoundTripMs.p50} ms`,
      ratio: round(stack.e2eLowLoadMs.p50 / stack.oneActivityRoundTripMs.p50, 2),
      target: '≤ 1.3×',
      met: stack.e2eLowLoadMs.p50 / stack.oneActivityRoundTripMs.p50 <= 1.3,
    },
    {
      goal: '4. worker RSS at that load (peak, per process)',
      measured: memoryByRole.map(([role, mb]) => `${role}: ${mb} MB`).join('; '),
      ratio: null,
      target: '≤ 300 MB (workers)',
      met: (roles.workers ?? Infinity) <= 300,
    },
    {
      goal: `5. full sync of ${fullSync!.contacts} contacts at HubSpot ${fullSync!.rateLimits.hubspot}/s, Mailchimp ${fullSync!.rateLimits.mailchimp}/s`,
      measured:
        `${fullSync!.seconds} s = ${fullSync!.contactsPerSecond} contacts/s; ${fullSync!.runs} runs, ` +
        `≤ ${fullSync!.historyEventsPerRun.max} history events per run`,
      ratio: null,
      target: '100,000 in ≤ 300 s',
      met: fullSync!.contacts >= 100_000 && fullSync!.seconds <= 300,
    },
  ];

  const results = {
    date: new Date().toISOString(),
    smoke: SMOKE,
    machine: machine(),
    stackUnderTest: stackDescription,
    build: buildNote,
    settings: {
      durationS: DURATION_S,
      rate: RATE,
      concurrency: CONCURRENCY,
      closedS: CLOSED_S,
      closedRounds: CLOSED_ROUNDS,
      fullSyncContacts: FULL_SYNC_CONTACTS,
      apiRateLimitsGoals1to4: RAISED_LIMITS,
    },
    gatewayOverheadMs: overhead,
    devServersAlone: { plainSqliteFile: plainFile, sqliteFileWithPragmas: walFile },
    stack: stack!,
    fullSync: fullSync!,
    goals,
    n8n: {
      executionsPerSecond: 220,
      source: 'n8n single instance, 2-vCPU c5a.large, webhook → Set workflow, PostgreSQL (n8n benchmark)',
    },
  };
  const errors =
    stack.sustained.errors +
    stack.gatewayClosedLoop.reduce((a, r) => a + r.errors, 0) +
    stack.bareStarts.reduce((a, r) => a + r.errors, 0) +
    stack.signalsToOpenRuns.reduce((a, r) => a + r.errors, 0) +
    stack.gatewayRequestsDirect.reduce((a, r) => a + r.errors, 0) +
    plainFile.errors +
    walFile.errors +
    fullSync!.failed;

  console.log(
    ['', 'goal | measured | ratio | target | met', '---|---|---|---|---']
      .concat(
        goals.map(
          (g) =>
            `${g.goal} | ${g.measured} | ${g.ratio ?? ''} | ${g.target} | ${g.met === null ? '' : g.met ? 'yes' : 'no'}`,
        ),
      )
      .join('\n'),
  );
  console.log(
    `\nbaselines: plain dev server ${plainFile.perSecond} starts/s; with the pragmas ${walFile.perSecond}/s; ` +
      `the stack's server ${bareRate}/s; one-activity round trip p50 ${stack.oneActivityRoundTripMs.p50} ms; ` +
      `n8n 220 executions/s (its 2-vCPU figure)`,
  );

  if (SMOKE) {
    if (errors > 0) throw new Error(`bench smoke: ${errors} error(s): ${JSON.stringify(results, null, 2)}`);
    console.log('\nbench smoke: every phase ran without an error');
    return;
  }
  const dir = path.join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const day = results.date.slice(0, 10);
  let file = path.join(dir, `${day}.json`);
  for (let n = 2; existsSync(file); n++) file = path.join(dir, `${day}-${n}.json`);
  // Formatted as `npm run lint` expects.
  writeFileSync(file, await prettier.format(JSON.stringify(results), { parser: 'json', filepath: file }));
  const readme = path.join(ROOT, 'README.md');
  writeFileSync(readme, await renderReadme(readFileSync(readme, 'utf8'), results, path.relative(ROOT, file)));
  log(`results in ${path.relative(ROOT, file)}; README table updated`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
