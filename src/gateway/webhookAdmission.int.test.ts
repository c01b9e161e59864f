/**
 * Admission control (WEBHOOK_MAX_STARTS_IN_FLIGHT): with the limit's worth of starts in flight to Temporal,
 * one more webhook is answered 503 `overloaded` + Retry-After at once and starts nothing; the ones in flight
 * are accepted, durably, once Temporal answers; and the next delivery is accepted again.
 * Temporal is the real dev server: a gRPC interceptor on the gateway's client only holds the start calls
 * back until the test lets them go, so that "in flight" lasts as long as the test needs.
 */
import type { Server } from 'node:http';
import { InterceptingCall, Interceptor } from '@grpc/grpc-js';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { Config, loadConfig } from '../config';
import { dataConverter } from '../runtime/dataConverter';
import { createApp } from './app';
import { eventually, silentLogger, temporalAddress, testNamespace, uniqueId } from '../../test/helpers/stack';
import { hubspotContactCreatedBody, hubspotHeaders } from '../../test/helpers/webhookSigning';

let config: Config;
let connection: Connection;
let client: Client;
let server: Server;
let gatewayUrl: string;
const started: string[] = [];

/** Start calls waiting for the test to let them through to Temporal. */
const held: (() => void)[] = [];
let holding = true;
const holdStarts: Interceptor = (options, nextCall) => {
  const isStart = /StartWorkflowExecution$/.test(options.method_definition.path);
  return new InterceptingCall(nextCall(options), {
    start(metadata, listener, next) {
      if (isStart && holding) held.push(() => next(metadata, listener));
      else next(metadata, listener);
    },
  });
};

beforeAll(async () => {
  config = loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    TEMPORAL_NAMESPACE: testNamespace(),
    WEBHOOK_MAX_STARTS_IN_FLIGHT: '2',
    LOG_LEVEL: 'silent',
  });
  connection = await Connection.connect({
    address: temporalAddress(),
    interceptors: [holdStarts, makeGrpcRetryInterceptor(defaultGrpcRetryOptions())],
  });
  client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverter(config.temporal),
  });
  const app = createApp({ config, client, logger: silentLogger });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  gatewayUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  holding = false;
  for (const release of held.splice(0)) release();
  // No worker polls here: the runs this file started end now, so no later test's workers pick them up.
  for (const workflowId of started)
    await client.workflow
      .getHandle(workflowId)
      .terminate('test over')
      .catch(() => undefined);
  await new Promise<void>((resolve) => {
    server?.closeAllConnections();
    server?.close(() => resolve());
  });
  await connection?.close();
});

/** A HubSpot contact.creation for a new contact: one contact-sync run (signalWithStart). */
function contactCreated() {
  const id = uniqueId();
  const workflowId = `contact-sync/hubspot/contact-${id}`;
  started.push(workflowId);
  const body = hubspotContactCreatedBody(id);
  return { workflowId, body };
}

async function deliver(body: string) {
  const url = `${gatewayUrl}/webhooks/hubspot`;
  const res = await fetch(url, {
    method: 'POST',
    headers: hubspotHeaders(url, body, config.webhookSecrets.hubspot[0]),
    body,
  });
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as unknown,
  };
}

async function existsInTemporal(workflowId: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowId).describe();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

test('past the limit of starts in flight, a webhook gets 503 overloaded at once and starts nothing', async () => {
  const [a, b, c] = [contactCreated(), contactCreated(), contactCreated()];
  const first = [deliver(a.body), deliver(b.body)];
  await eventually(() => (held.length === 2 ? true : undefined), 20_000, 'two starts in flight');

  // While those two are in flight to Temporal: refused at once, told when to come back.
  const refused = await deliver(c.body);
  expect(refused.status).toBe(503);
  expect(refused.retryAfter).toBe('1');
  expect(refused.body).toEqual({
    error: { code: 'overloaded', message: expect.stringContaining('retry later') },
  });
  expect(held).toHaveLength(2);

  // Temporal answers: the two in flight are accepted, and are in Temporal; the refused one is not.
  holding = false;
  for (const release of held.splice(0)) release();
  for (const answer of await Promise.all(first)) expect(answer.status).toBe(202);
  expect(await existsInTemporal(a.workflowId)).toBe(true);
  expect(await existsInTemporal(b.workflowId)).toBe(true);
  expect(await existsInTemporal(c.workflowId)).toBe(false);

  // The slots are free again: the sender's retry is accepted.
  const retried = await deliver(c.body);
  expect(retried.status).toBe(202);
  expect(await existsInTemporal(c.workflowId)).toBe(true);
});
