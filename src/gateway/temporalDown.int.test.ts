/**
 * Temporal unreachable: every webhook gets 503 with Retry-After and nothing is accepted; once Temporal is
 * up, the sender's redeliveries (each sent twice) run once each. The gateway starts against a dead port,
 * as it would during an outage, and recovers without a restart.
 */
import type { Server } from 'node:http';
import { Client } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { subscriberHash } from '../systems/mailchimp/api';
import { createApp } from './app';
import { Config, loadConfig } from '../config';
import { startSandbox, Sandbox } from '../sandbox/server';
import { createClient } from '../runtime/connection';
import { DevServer, freePort, startDevServer } from '../runtime/devServer';
import type { WorkerSet } from '../runtime/workers';
import { createTestWorkers, eventually, postWebhook, silentLogger, uniqueId } from '../../test/helpers/stack';
import { hubspotContactCreatedBody, hubspotHeaders } from '../../test/helpers/webhookSigning';

let config: Config;
let sandbox: Sandbox;
let client: Client;
let server: Server;
let gatewayUrl: string;
let grpcPort: number;
let temporal: DevServer | undefined;
let workers: WorkerSet | undefined;
let running: Promise<void> | undefined;
let nativeConnection: NativeConnection | undefined;

beforeAll(async () => {
  const sandboxPort = await freePort();
  grpcPort = await freePort(); // nothing listens here yet
  config = loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    SANDBOX_PORT: String(sandboxPort),
    TEMPORAL_PORT: String(grpcPort),
    CONTACT_SYNC_IDLE_TIMEOUT: '2s',
    LOG_LEVEL: 'silent',
  });
  sandbox = await startSandbox({ port: sandboxPort, config });
  client = createClient(config.temporal, `127.0.0.1:${grpcPort}`);
  const app = createApp({ config, client, logger: silentLogger });
  server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  gatewayUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server?.closeAllConnections();
    server?.close(() => resolve());
  });
  workers?.shutdown();
  await running;
  await nativeConnection?.close();
  await client?.connection.close();
  await sandbox?.close();
  await temporal?.stop();
});

/** Posts a HubSpot-signed body, as HubSpot would (and as it would again on its retry). */
async function deliver(body: string) {
  const signed = hubspotHeaders(`${gatewayUrl}/webhooks/hubspot`, body, config.webhookSecrets.hubspot[0]);
  const res = await postWebhook({ gatewayUrl }, 'hubspot', body, signed);
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    body: (await res.json()) as unknown,
  };
}

const member = (email: string) =>
  sandbox.mailchimp.lists.get(config.contactSync.mailchimpListId)?.get(subscriberHash(email));

test('503 + Retry-After while Temporal is down, nothing accepted; redeliveries run once each after', async () => {
  const contacts = [uniqueId(), uniqueId(), uniqueId()].map((id, i) => {
    const email = `outage.${id}@example.com`;
    sandbox.hubspot.upsertContact(id, { email, firstname: `Outage${i}` });
    const body = hubspotContactCreatedBody(id);
    return { id, email, body, workflowId: `contact-sync/hubspot/contact-${id}` };
  });

  // Down: every delivery is refused with 503 and Retry-After; none gets a 2xx.
  const answers = await Promise.all(contacts.map((c) => deliver(c.body)));
  for (const a of answers) {
    expect(a.status).toBe(503);
    expect(a.retryAfter).toMatch(/^\d+$/);
    expect(a.body).toEqual({ error: { code: 'temporal_unavailable', message: expect.any(String) } });
  }
  expect((await fetch(`${gatewayUrl}/readyz`)).status).toBe(503);

  // Temporal comes back (on the address the gateway was given), and so do the workers.
  temporal = await startDevServer({
    grpcPort,
    namespaces: [config.temporal.namespace],
    log: () => undefined,
  });
  nativeConnection = await NativeConnection.connect({ address: temporal.address });
  workers = await createTestWorkers(config, nativeConnection);
  running = workers.run();

  // The sender retries — twice each here, concurrently — until it gets a 2xx.
  await eventually(
    async () => ((await fetch(`${gatewayUrl}/readyz`)).status === 200 ? true : undefined),
    30_000,
    'the gateway to see Temporal again',
  );
  const redelivered = await Promise.all(contacts.flatMap((c) => [deliver(c.body), deliver(c.body)]));
  for (const r of redelivered) expect(r.status).toBe(202);

  for (const c of contacts) {
    const result = (await client.workflow.getHandle(c.workflowId).result()) as { eventsApplied: number };
    // Two deliveries of one event: applied once.
    expect(result.eventsApplied).toBe(1);
    expect(member(c.email)).toMatchObject({ email_address: c.email });
    const runs = [];
    for await (const r of client.workflow.list({ query: `WorkflowId = "${c.workflowId}"` })) runs.push(r);
    expect(runs).toHaveLength(1);
  }
});
