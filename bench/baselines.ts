/**
 * The baselines every ratio is taken against, measured in the same run on the same machine:
 *   - bare starts: `client.workflow.start` of a workflow no worker polls (the least a start can cost);
 *   - a bare one-activity workflow's round trip (start → one no-op activity → result);
 *   - the gateway's own Temporal request, made directly to a task queue no worker polls;
 *   - the gateway's own cost, in process, with the Temporal start stubbed out.
 */
import { mkdtempSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import pino from 'pino';
import express from 'express';
import { createApp } from '../src/gateway/app';
import { createMetrics } from '../src/gateway/metrics';
import { Config, loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startDevServer } from '../src/runtime/devServer';
import { findIntegration } from '../src/integrations/catalog';
import { startRun } from '../src/runtime/startRun';
import { closedLoop, ClosedLoopResult, LatencySummary, post, summarize } from './load';
import { hubspotWebhook } from './webhooks';

let loopCounter = 0;
/** A tag no earlier loop of this process used, for the workflow ids of the next. */
const nextLoopTag = () => `${Date.now()}-${++loopCounter}`;

/** Starts a run of a workflow no worker polls: it stays open, costing the server nothing further. */
const startUnpolled = (client: Client, workflowId: string) =>
  client.workflow.start('benchUnpolled', { taskQueue: 'bench-unpolled', workflowId, args: [] });

/** Bare starts at `concurrency` in flight for `durationS`: the server's start rate. */
export async function bareStarts(
  client: Client,
  concurrency: number,
  durationS: number,
): Promise<ClosedLoopResult> {
  const tag = nextLoopTag();
  return closedLoop({
    concurrency,
    durationS,
    op: async (i) => {
      await startUnpolled(client, `bench/bare/${tag}/${i}`);
      return true;
    },
  });
}

/** How many open runs signalsToOpenRuns spreads its signals over. */
export const OPEN_RUNS = 16;

/**
 * Signals into OPEN_RUNS open runs (of a workflow no worker polls) at `concurrency` in flight: what the
 * server accepts when an event is added to a run already open instead of starting one, the accept path
 * of a design that batches records into fewer runs. Not what the gateway does today (a run per record).
 */
export async function signalsToOpenRuns(
  client: Client,
  concurrency: number,
  durationS: number,
): Promise<ClosedLoopResult> {
  const tag = nextLoopTag();
  const handles = await Promise.all(
    Array.from({ length: OPEN_RUNS }, (_, k) => startUnpolled(client, `bench/open/${tag}/${k}`)),
  );
  try {
    return await closedLoop({
      concurrency,
      durationS,
      op: async (i) => {
        await handles[i % OPEN_RUNS].signal('event', { recordId: String(i), eventType: 'contact.creation' });
        return true;
      },
    });
  } finally {
    // Closed, so the next phases measure a server with nothing of this loop left open.
    await Promise.all(handles.map((h) => h.terminate('bench phase over')));
  }
}

let requestContact = 8_000_000_000;

/**
 * The request the gateway makes for a HubSpot `contact.creation` webhook (src/runtime/startRun.ts: a
 * signalWithStart of the contact's entity run, with its search attributes, summary and details), made
 * directly at `concurrency` in flight, to a task queue no worker polls: what the gateway's start costs
 * the server, without HTTP and without the runs' processing.
 */
export async function gatewayRequests(
  client: Client,
  config: Config,
  concurrency: number,
  durationS: number,
): Promise<ClosedLoopResult> {
  const contactSync = findIntegration('contact-sync');
  if (!contactSync?.planFor) throw new Error('contact-sync has no webhook plan');
  const planFor = contactSync.planFor;
  return closedLoop({
    concurrency,
    durationS,
    op: async () => {
      const contactId = String(requestContact++);
      const plan = planFor(
        {
          source: 'hubspot',
          eventId: `bench-${contactId}`,
          eventType: 'contact.creation',
          recordId: contactId,
          occurredAt: Date.now(),
          payload: {},
        },
        config,
      );
      await startRun(client, 'bench-unpolled', contactSync, plan, {
        source: 'hubspot',
        eventType: 'contact.creation',
      });
      return true;
    },
  });
}

/**
 * A dev server of its own, on a fresh SQLite file with the given pragmas (`{}`: SQLite's defaults, i.e. a
 * plain `temporal server start-dev --db-filename …`), measured with bare starts and stopped.
 */
export async function devServerBareStarts(
  sqlitePragmas: Record<string, string> | undefined,
  concurrency: number,
  durationS: number,
): Promise<ClosedLoopResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-db-'));
  const server = await startDevServer({
    dbFile: path.join(dir, 'temporal.db'),
    sqlitePragmas,
    log: () => undefined,
  });
  const connection = await Connection.connect({ address: server.address });
  try {
    const client = new Client({ connection });
    await bareStarts(client, concurrency, Math.min(2, durationS)); // warm-up
    return await bareStarts(client, concurrency, durationS);
  } finally {
    await connection.close();
    await server.stop();
  }
}

/** Start → one no-op activity → result, one at a time: the least a run with one step takes. */
export async function oneActivityRoundTrips(address: string, runs: number): Promise<LatencySummary> {
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue: 'bench-one-activity',
    workflowsPath: require.resolve('./workflows'),
    activities: { benchNoop: async () => 'done' },
  });
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  try {
    return await worker.runUntil(async () => {
      const latencies: number[] = [];
      const tag = Date.now();
      for (let i = -5; i < runs; i++) {
        const started = performance.now();
        await client.workflow.execute('benchOneActivity', {
          taskQueue: 'bench-one-activity',
          workflowId: `bench/one-activity/${tag}/${i}`,
        });
        if (i >= 0) latencies.push(performance.now() - started);
      }
      return summarize(latencies);
    });
  } finally {
    await connection.close();
    await nativeConnection.close();
  }
}

/**
 * The gateway's own cost per webhook: the real app (verify, parse, route, plan, log, metrics) answering
 * signed HubSpot webhooks one at a time, with Temporal's start replaced by a stub that answers at once.
 * Beside it, the HTTP floor: a bare Express app answering 202 to the same requests from the same client.
 */
export async function gatewayOverhead(
  requests: number,
): Promise<{ gateway: LatencySummary; httpFloor: LatencySummary }> {
  const config = loadConfig({ SWITCHBOARD_SANDBOX: 'true', LOG_LEVEL: 'info' });
  const stub = {
    withDeadline: (_deadline: number, fn: () => Promise<unknown>) => fn(),
    workflow: {
      start: async () => ({ firstExecutionRunId: 'stub' }),
      signalWithStart: async () => ({ signaledRunId: 'stub' }),
    },
  } as unknown as Client;
  // Logged like the gateway logs (one JSON line per request, at info), into /dev/null.
  const logger = createLogger('info', pino.destination({ dest: '/dev/null', sync: true }));
  const app = createApp({ config, client: stub, logger, metrics: createMetrics() });
  const floor = express();
  floor.post('/webhooks/hubspot', (_req, res) => void res.status(202).json({ accepted: true }));
  const secret = config.webhookSecrets.hubspot[0];
  const measure = async (handler: express.Express): Promise<LatencySummary> => {
    const server: Server = await new Promise((resolve) => {
      const s = handler.listen(0, '127.0.0.1', () => resolve(s));
    });
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/hubspot`;
    const latencies: number[] = [];
    try {
      for (let i = -Math.min(200, requests); i < requests; i++) {
        const { body, headers } = hubspotWebhook(url, secret, 500_000 + (i % 1000), 9_000_000 + i);
        const started = performance.now();
        const res = await post(url, body, headers);
        if (res.status !== 202) throw new Error(`gateway answered ${res.status}: ${res.body.slice(0, 300)}`);
        if (i >= 0) latencies.push(performance.now() - started);
      }
    } finally {
      server.closeAllConnections();
      server.close();
    }
    return summarize(latencies);
  };
  return { gateway: await measure(app), httpFloor: await measure(floor) };
}
