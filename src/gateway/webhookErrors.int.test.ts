/** Bad input gets a clear JSON error with a stable code, and nothing is started. */
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import { createApp } from './app';
import { loadConfig } from '../config';
import { freePort } from '../runtime/devServer';
import { silentLogger, startStack, TestStack, uniqueId } from '../../test/helpers/stack';
import { hubspotHeaders } from '../../test/helpers/webhookSigning';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

function signed(body: string, opts: { secret?: string; timestamp?: number; url?: string } = {}) {
  const url = opts.url ?? `${stack.gatewayUrl}/webhooks/hubspot`;
  return {
    method: 'POST',
    headers: hubspotHeaders(
      url,
      body,
      opts.secret ?? stack.config.webhookSecrets.hubspot[0],
      opts.timestamp ?? Date.now(),
    ),
    body,
  };
}

const contactEvent = (objectId: string) =>
  JSON.stringify([
    {
      eventId: Number(objectId),
      occurredAt: Date.now(),
      subscriptionType: 'contact.creation',
      objectId: Number(objectId),
    },
  ]);

async function expectNoRun(objectId: string) {
  const count = await stack.client.workflow.count(`WorkflowId = 'contact-sync/hubspot/contact-${objectId}'`);
  expect(count.count).toBe(0);
}

async function expectError(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  expect(await res.json()).toEqual({ error: { code, message: expect.any(String) } });
}

test('unknown source → 404 unknown_source', async () => {
  await expectError(await fetch(`${stack.gatewayUrl}/webhooks/nosuch`, signed('[]')), 404, 'unknown_source');
});

test('a sender with no secrets configured (production: not set) → 404 source_not_configured', async () => {
  const saved = stack.config.webhookSecrets.github;
  stack.config.webhookSecrets.github = [];
  try {
    await expectError(
      await fetch(`${stack.gatewayUrl}/webhooks/github`, signed('{}')),
      404,
      'source_not_configured',
    );
  } finally {
    stack.config.webhookSecrets.github = saved;
  }
});

test('missing, bad, stale or wrong-secret signatures → 401 and no run', async () => {
  const id = uniqueId();
  const body = contactEvent(id);
  const url = `${stack.gatewayUrl}/webhooks/hubspot`;
  await expectError(
    await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
    401,
    'missing_signature',
  );
  await expectError(await fetch(url, signed(body, { secret: 'not-the-secret' })), 401, 'invalid_signature');
  await expectError(
    await fetch(url, signed(body, { timestamp: Date.now() - 6 * 60 * 1000 })),
    401,
    'stale_signature',
  );
  const tampered = signed(body);
  await expectError(
    await fetch(url, { ...tampered, body: body.replace(id, `${id}9`) }),
    401,
    'invalid_signature',
  );
  await expectNoRun(id);
});

test('invalid JSON → 400 invalid_json; schema violation → 400 invalid_payload; no run', async () => {
  const url = `${stack.gatewayUrl}/webhooks/hubspot`;
  await expectError(await fetch(url, signed('{"not json')), 400, 'invalid_json');
  const id = uniqueId();
  const noObject = JSON.stringify([
    { eventId: 1, occurredAt: Date.now(), subscriptionType: 'contact.creation', objectId: Number(id) },
    { eventId: 2 },
  ]);
  await expectError(await fetch(url, signed(noObject)), 400, 'invalid_payload');
  await expectNoRun(id); // the valid first event of a rejected batch was not started either
});

test('wrong content type → 415; body over the limit → 413', async () => {
  const url = `${stack.gatewayUrl}/webhooks/hubspot`;
  await expectError(
    await fetch(url, { ...signed('[]'), headers: { ...signed('[]').headers, 'content-type': 'text/plain' } }),
    415,
    'unsupported_media_type',
  );
  const huge = JSON.stringify([{ pad: 'x'.repeat(stack.config.webhookBodyLimitBytes) }]);
  await expectError(await fetch(url, signed(huge)), 413, 'payload_too_large');
});

test('Temporal unreachable → 503 with Retry-After, never a 2xx', async () => {
  const deadPort = await freePort();
  const config = loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    SANDBOX_PORT: String(stack.sandbox.port),
    LOG_LEVEL: 'silent',
  });
  const client = new Client({
    connection: Connection.lazy({ address: `127.0.0.1:${deadPort}`, connectTimeout: 1000 }),
  });
  const app = createApp({ config, client, logger: silentLogger });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/webhooks/hubspot`;
    const res = await fetch(url, signed(contactEvent(uniqueId()), { url }));
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    await expectError(res, 503, 'temporal_unavailable');
    const ready = await fetch(url.replace('/webhooks/hubspot', '/readyz'));
    expect(ready.status).toBe(503);
  } finally {
    server.close();
    await client.connection.close();
  }
});
