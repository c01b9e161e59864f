/** Contract: the Zendesk connector against the Zendesk stand-in (basic auth email/token, tickets, users, tags). */
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { createZendeskActivities } from './api';
import { HttpClient } from '../../http/client';
import { Config, loadConfig } from '../../config';
import { startSandbox, Sandbox } from '../../sandbox/server';
import { freePort } from '../../runtime/devServer';

let sandbox: Sandbox;
let config: Config;
let zendesk: ReturnType<typeof createZendeskActivities>;

beforeAll(async () => {
  const port = await freePort();
  config = loadConfig({ SWITCHBOARD_SANDBOX: 'true', SANDBOX_PORT: String(port), LOG_LEVEL: 'silent' });
  sandbox = await startSandbox({ port, config });
  zendesk = createZendeskActivities(new HttpClient({ systems: config.systems }));
});
afterAll(() => sandbox?.close());

test('reads a ticket and its requester', async () => {
  const created = sandbox.zendesk.createTicket({
    subject: 'Where is my parcel?',
    requester: { name: 'Grace Hopper', email: 'Grace@Example.com' },
  });
  const ticket = await zendesk.getZendeskTicket(created.id);
  expect(ticket).toMatchObject({ id: created.id, subject: 'Where is my parcel?', status: 'open', tags: [] });
  const user = await zendesk.getZendeskUser(ticket!.requester_id);
  expect(user).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com' });
  const get = sandbox.recorders.zendesk.requests.find((r) => r.path === `/api/v2/tickets/${created.id}.json`);
  expect(get).toMatchObject({ authorized: true, status: 200 });
});

test('a deleted ticket or user is null', async () => {
  await expect(zendesk.getZendeskTicket(1)).resolves.toBeNull();
  await expect(zendesk.getZendeskUser(1)).resolves.toBeNull();
});

test('adding tags is repeatable and keeps the existing ones', async () => {
  const created = sandbox.zendesk.createTicket({ requester: { name: 'A', email: 'a@example.com' } });
  await zendesk.addZendeskTicketTags(created.id, ['vip']);
  await expect(zendesk.addZendeskTicketTags(created.id, ['csat_survey_sent'])).resolves.toEqual([
    'vip',
    'csat_survey_sent',
  ]);
  await expect(zendesk.addZendeskTicketTags(created.id, ['csat_survey_sent'])).resolves.toEqual([
    'vip',
    'csat_survey_sent',
  ]);
});

test("a wrong API token fails fast with Zendesk's message, the token kept out of it", async () => {
  const wrong = loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    SANDBOX_PORT: String(sandbox.port),
    ZENDESK_API_TOKEN: 'wrong-zendesk-token',
  });
  const bad = createZendeskActivities(new HttpClient({ systems: wrong.systems }));
  const err = await bad.getZendeskTicket(1).catch((e: unknown) => e);
  expect(err).toMatchObject({ type: 'ApiRequestError', nonRetryable: true });
  expect((err as Error).message).toContain("401: Couldn't authenticate you");
  expect((err as Error).message).not.toContain('wrong-zendesk-token');
});

test('solving a ticket sends a webhook signed like Zendesk: base64 HMAC-SHA256 of timestamp + body', async () => {
  const received: { headers: Record<string, string>; body: string }[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  sandbox.setGatewayUrl(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
  try {
    const created = sandbox.zendesk.createTicket({ requester: { name: 'B', email: 'b@example.com' } });
    const res = await fetch(`${sandbox.url}/_sandbox/zendesk/tickets/${created.id}/solve`, {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    const [{ headers, body }] = received;
    const timestamp = headers['x-zendesk-webhook-signature-timestamp'];
    expect(headers['x-zendesk-webhook-signature']).toBe(
      createHmac('sha256', config.webhookSecrets.zendesk[0])
        .update(timestamp + body)
        .digest('base64'),
    );
    expect(JSON.parse(body)).toMatchObject({ type: 'ticket.solved', detail: { id: String(created.id) } });
    expect(sandbox.zendesk.tickets.get(created.id)?.status).toBe('solved');
  } finally {
    server.close();
  }
});
