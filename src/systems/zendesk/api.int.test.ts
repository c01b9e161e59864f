/** Contract: the Zendesk connector against the Zendesk stand-in (basic auth email/token, tickets, users, tags). */
import { createHmac } from 'node:crypto';
import { createZendeskActivities } from './api';
import { catchWebhooks, expectRefusal, useConnectorSandbox } from '../../../test/helpers/connectorSandbox';

const env = useConnectorSandbox();
const zendesk = env.activities(createZendeskActivities);

test('reads a ticket and its requester', async () => {
  const created = env.sandbox.zendesk.createTicket({
    subject: 'Where is my parcel?',
    requester: { name: 'Grace Hopper', email: 'Grace@Example.com' },
  });
  const ticket = await zendesk.getZendeskTicket(created.id);
  expect(ticket).toMatchObject({ id: created.id, subject: 'Where is my parcel?', status: 'open', tags: [] });
  const user = await zendesk.getZendeskUser(ticket!.requester_id);
  expect(user).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com' });
  const get = env.sandbox.recorders.zendesk.requests.find(
    (r) => r.path === `/api/v2/tickets/${created.id}.json`,
  );
  expect(get).toMatchObject({ authorized: true, status: 200 });
});

test('a deleted ticket or user is null', async () => {
  await expect(zendesk.getZendeskTicket(1)).resolves.toBeNull();
  await expect(zendesk.getZendeskUser(1)).resolves.toBeNull();
});

test('adding tags is repeatable and keeps the existing ones', async () => {
  const created = env.sandbox.zendesk.createTicket({ requester: { name: 'A', email: 'a@example.com' } });
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
  const bad = createZendeskActivities(env.badHttp);
  await expectRefusal(bad.getZendeskTicket(1), 'ApiRequestError', "401: Couldn't authenticate you");
});

test('solving a ticket sends a webhook signed like Zendesk: base64 HMAC-SHA256 of timestamp + body', async () => {
  const hooks = await catchWebhooks(env.sandbox, 202);
  try {
    const created = env.sandbox.zendesk.createTicket({ requester: { name: 'B', email: 'b@example.com' } });
    const res = await fetch(`${env.sandbox.url}/_sandbox/zendesk/tickets/${created.id}/solve`, {
      method: 'POST',
    });
    expect(res.status).toBe(200);
    const [{ headers, body }] = hooks.received();
    const timestamp = headers['x-zendesk-webhook-signature-timestamp'];
    expect(headers['x-zendesk-webhook-signature']).toBe(
      createHmac('sha256', env.config.webhookSecrets.zendesk[0])
        .update(timestamp + body)
        .digest('base64'),
    );
    expect(JSON.parse(body)).toMatchObject({ type: 'ticket.solved', detail: { id: String(created.id) } });
    expect(env.sandbox.zendesk.tickets.get(created.id)?.status).toBe('solved');
  } finally {
    await hooks.close();
  }
});
