/**
 * The whole service for one test file, wired like `npm start`: sandbox APIs, workers and a listening
 * gateway, against the real Temporal dev server from globalSetup (namespace per Jest worker).
 */
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createActivitiesBySystem } from '../../src/systems/activities';
import type { HttpClientOptions } from '../../src/http/client';
import { createApp } from '../../src/gateway/app';
import { Config, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startSandbox, Sandbox } from '../../src/sandbox/server';
import { freePort } from '../../src/runtime/devServer';
import { dataConverter } from '../../src/runtime/dataConverter';
import { createWorkers, WorkerSet } from '../../src/runtime/workers';
import { startForFile, viewOf } from './fileScoped';

export interface TestStack {
  config: Config;
  sandbox: Sandbox;
  client: Client;
  gatewayUrl: string;
  workers: WorkerSet;
  stop(): Promise<void>;
}

export function temporalAddress(): string {
  const address = process.env.SWITCHBOARD_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('integration tests need the dev server from test/helpers/globalSetup.ts');
  return address;
}

export function testNamespace(): string {
  return `test-${process.env.JEST_WORKER_ID ?? '1'}`;
}

export const silentLogger = createLogger('silent');

export interface StackOptions {
  env?: Record<string, string>;
  /** Start the workers (default true); false to test what happens with no worker. */
  workers?: boolean;
  onCall?: HttpClientOptions['onCall'];
}

export async function startStack(opts: StackOptions = {}): Promise<TestStack> {
  const sandboxPort = await freePort();
  const config = loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    SANDBOX_PORT: String(sandboxPort),
    TEMPORAL_NAMESPACE: testNamespace(),
    CONTACT_SYNC_IDLE_TIMEOUT: '3s',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const sandbox = await startSandbox({ port: sandboxPort, config, idOffset: Number(uniqueId()) });
  const address = temporalAddress();
  const connection = await Connection.connect({ address });
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverter(config.temporal),
  });
  const nativeConnection = await NativeConnection.connect({ address });
  const workers = await createTestWorkers(config, nativeConnection, opts.onCall);
  const running = opts.workers === false ? Promise.resolve() : workers.run();
  const app = createApp({ config, client, logger: silentLogger });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const gatewayUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  sandbox.setGatewayUrl(gatewayUrl);

  return {
    config,
    sandbox,
    client,
    gatewayUrl,
    workers,
    async stop() {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      if (opts.workers !== false) workers.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await sandbox.close();
    },
  };
}

/** The workers `npm start` runs, on the workflow bundle from globalSetup, their activities logging nothing. */
export function createTestWorkers(
  config: Config,
  connection: NativeConnection,
  onCall?: HttpClientOptions['onCall'],
): Promise<WorkerSet> {
  return createWorkers({
    config,
    connection,
    activities: createActivitiesBySystem({ config, logger: silentLogger, onCall }),
    workflowBundle: testWorkflowBundle(config),
  });
}

/** Stops the stack's own workers, letting them drain first, so a test can run others in their place. */
export async function stopStackWorkers(stack: TestStack): Promise<void> {
  stack.workers.shutdown();
  await eventually(
    () => stack.workers.workers.every((w) => w.getState() === 'STOPPED') || undefined,
    30_000,
    "the stack's workers to stop",
  );
}

/** globalSetup's workflow bundle for this config: with PAYLOAD_CODEC_KEY, the one that encodes failures. */
export function testWorkflowBundle(config: Config): { codePath: string } {
  return {
    codePath: config.temporal.codecKey
      ? process.env.SWITCHBOARD_TEST_WORKFLOW_BUNDLE_ENCODING_FAILURES!
      : process.env.SWITCHBOARD_TEST_WORKFLOW_BUNDLE!,
  };
}

export interface UseStackOptions extends StackOptions {
  /** Send run-failure alerts to the sandbox's incoming-webhook stand-in, where a test can read them. */
  alertsToSandbox?: boolean;
}

export interface UsedStack extends TestStack {
  /** Terminates a run the file leaves open on purpose (one hanging on a fault) once its tests are done. */
  terminateAfterAll(workflowId: string): void;
}

/**
 * The stack of a test file: started before its tests, its left-open runs terminated and the stack stopped
 * after them. Its fields are read inside tests (they throw before the stack has started).
 */
export function useStack(opts: UseStackOptions = {}): UsedStack {
  const leftRunning: string[] = [];
  const current = startForFile(
    'the stack',
    async () => {
      const stack = await startStack(opts);
      if (opts.alertsToSandbox) stack.config.alerts.webhookUrl = stack.sandbox.alertWebhookUrl;
      return stack;
    },
    async (stack) => {
      // Nothing of this file stays open in the namespace the next test file shares.
      for (const id of leftRunning)
        await stack.client.workflow
          .getHandle(id)
          .terminate('test over')
          .catch(() => undefined);
      await stack.stop();
    },
  );
  return viewOf(current, { terminateAfterAll: (workflowId: string) => void leftRunning.push(workflowId) });
}

/** POSTs a webhook to a gateway as `source` sends it (a JSON body with its signature headers). */
export function postWebhook(
  stack: Pick<TestStack, 'gatewayUrl'>,
  source: string,
  body: string,
  headers: Record<string, string>,
): Promise<Response> {
  return fetch(`${stack.gatewayUrl}/webhooks/${source}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
}

/** Polls until `check` returns a value (not undefined) or the deadline passes: no fixed sleeps. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`,
  );
}

/** A unique numeric record id per test, so runs from other tests never collide. */
let counter = 0;
export function uniqueId(): string {
  return `${Date.now() % 1e9}${process.pid % 1000}${++counter}`;
}

/** The Authorization header the management API (runs, manual starts) takes. */
export function apiKeyHeader(config: Config): { authorization: string } {
  return { authorization: `Bearer ${config.apiKeys[0]}` };
}

/** Calls a sandbox control endpoint (`/_sandbox/<path>`); a non-2xx answer fails the test. */
export async function sandboxControl(
  stack: TestStack,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const res = await fetch(`${stack.sandbox.url}/_sandbox/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
  return res.json();
}
