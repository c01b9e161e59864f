/**
 * Every webhook sender through the real gateway, sandbox and dev server: a correctly signed delivery per
 * source gets 202 (routed to its subscribers, or `ignored` when none subscribes), a tampered one gets a
 * 401 JSON error and starts nothing, and Slack's url_verification is answered with its challenge.
 */
import { createHmac } from 'node:crypto';
import type { Config } from '../config';
import { findIntegration } from '../integrations/catalog';
import { eventually, postWebhook, uniqueId, useStack } from '../../test/helpers/stack';
import {
  githubHeaders,
  genericHeaders,
  Headers,
  shopifyHeaders,
  slackHeaders,
  standardWebhookHeaders,
  stripeHeaders,
  zendeskHeaders,
} from '../../test/helpers/webhookSigning';

const stack = useStack();

async function post(source: string, body: string, headers: Headers) {
  const res = await postWebhook(stack, source, body, headers);
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    body: (await res.json()) as unknown,
  };
}

const runCount = async (workflowId: string) =>
  (await stack.client.workflow.count(`WorkflowId = '${workflowId}'`)).count;

interface Delivery {
  source: string;
  body: string;
  sign(body: string, config: Config): Headers;
  /** The run the event starts, or undefined when no integration subscribes to it. */
  workflowId?: string;
  integration?: string;
  eventType: string;
}

/** One signed delivery per sender, built fresh per test so record ids never collide. */
function deliveries(): Delivery[] {
  const stripeCustomer = `cus_${uniqueId()}`;
  const shopifyCustomer = uniqueId();
  const ticket = uniqueId();
  const secret = (source: keyof Config['webhookSecrets'], config: Config) => config.webhookSecrets[source][0];
  return [
    {
      source: 'stripe',
      eventType: 'customer.updated',
      body: JSON.stringify({
        id: `evt_${uniqueId()}`,
        object: 'event',
        type: 'customer.updated',
        created: Math.floor(Date.now() / 1000),
        data: {
          object: { id: stripeCustomer, object: 'customer', address: { city: 'Paris' } },
          previous_attributes: { address: { city: 'London' } },
        },
      }),
      sign: (body, config) => stripeHeaders(body, config.webhookSecrets.stripe),
      integration: 'address-propagation',
      workflowId: `address-propagation/stripe/${stripeCustomer}`,
    },
    {
      source: 'shopify',
      eventType: 'customers/update',
      body: JSON.stringify({ id: Number(shopifyCustomer), email: 'ada@example.com' }),
      sign: (body, config) => shopifyHeaders(body, secret('shopify', config), 'customers/update'),
      integration: 'address-propagation',
      workflowId: `address-propagation/shopify/${shopifyCustomer}`,
    },
    {
      // A push: no integration subscribes to it (github-issue-to-slack takes `issues`).
      source: 'github',
      eventType: 'push',
      body: JSON.stringify({ ref: 'refs/heads/main', after: uniqueId() }),
      sign: (body, config) => githubHeaders(body, secret('github', config), 'push'),
    },
    {
      source: 'slack',
      eventType: 'app_mention',
      body: JSON.stringify({
        type: 'event_callback',
        team_id: 'T1',
        event_id: `Ev${uniqueId()}`,
        event_time: Math.floor(Date.now() / 1000),
        event: { type: 'app_mention', text: '<@U1> hello', channel: 'C1' },
      }),
      sign: (body, config) => slackHeaders(body, secret('slack', config)),
    },
    {
      source: 'standard',
      eventType: 'invoice.paid',
      body: JSON.stringify({
        type: 'invoice.paid',
        timestamp: new Date().toISOString(),
        data: { id: 'in_1' },
      }),
      sign: (body, config) => standardWebhookHeaders(body, config.webhookSecrets.standard),
    },
    {
      source: 'shipbob',
      eventType: 'order.shipment.delivered',
      body: JSON.stringify({
        type: 'order.shipment.delivered',
        timestamp: new Date().toISOString(),
        data: { order_id: 1, reference_id: uniqueId() },
      }),
      sign: (body, config) => standardWebhookHeaders(body, config.webhookSecrets.shipbob),
    },
    {
      source: 'zendesk',
      eventType: 'ticket.solved',
      body: JSON.stringify({
        id: `zen-${uniqueId()}`,
        type: 'ticket.solved',
        time: new Date().toISOString(),
        detail: { id: ticket, status: 'SOLVED' },
      }),
      sign: (body, config) => zendeskHeaders(body, secret('zendesk', config)),
      integration: 'ticket-survey',
      workflowId: `ticket-survey/zendesk/ticket-${ticket}`,
    },
    {
      source: 'generic',
      eventType: 'invoice.created',
      body: JSON.stringify({ id: `e-${uniqueId()}`, type: 'invoice.created', recordId: 'inv-1', data: {} }),
      sign: (body, config) => genericHeaders(body, secret('generic', config), config.genericWebhook),
    },
  ];
}

test.each(deliveries().map((d) => [d.source, d.eventType]))(
  'a signed %s %s webhook is accepted with 202',
  async (source) => {
    const d = deliveries().find((x) => x.source === source)!;
    const res = await post(d.source, d.body, d.sign(d.body, stack.config));
    expect(res.status).toBe(202);
    if (d.workflowId) {
      expect(res.body).toEqual({
        accepted: true,
        duplicate: false,
        events: [
          {
            eventId: expect.any(String),
            eventType: d.eventType,
            status: 'accepted',
            runs: [
              expect.objectContaining({
                integration: d.integration,
                workflowId: d.workflowId,
                duplicate: false,
              }),
            ],
          },
        ],
      });
      const run = await stack.client.workflow.getHandle(d.workflowId).describe();
      expect(run.type).toBe(findIntegration(d.integration!)!.workflow.name);
    } else {
      // No integration subscribes: 202 so the sender stops retrying, the event marked ignored.
      expect(res.body).toEqual({
        accepted: true,
        duplicate: false,
        events: [{ eventId: expect.any(String), eventType: d.eventType, status: 'ignored', runs: [] }],
      });
    }
  },
);

test('the run carries the sender as Source and EventType search attributes', async () => {
  const d = deliveries().find((x) => x.source === 'stripe')!;
  expect((await post(d.source, d.body, d.sign(d.body, stack.config))).status).toBe(202);
  await eventually(
    async () =>
      (
        await stack.client.workflow.count(
          `WorkflowId = '${d.workflowId}' AND Source = 'stripe' AND EventType = 'customer.updated'`,
        )
      ).count === 1 || undefined,
    20_000,
    'the run to be visible by its search attributes',
  );
});

test.each(deliveries().map((d) => [d.source]))(
  'a tampered %s webhook gets 401 invalid_signature and starts nothing',
  async (source) => {
    const d = deliveries().find((x) => x.source === source)!;
    const headers = d.sign(d.body, stack.config);
    // Same headers, a field added to the body after signing.
    const tampered = d.body.replace(/}$/, ',"amount":1000000}');
    expect(tampered).not.toBe(d.body);
    const res = await post(d.source, tampered, headers);
    expect(res.status).toBe(401);
    expect(res.contentType).toMatch(/application\/json/);
    expect(res.body).toEqual({ error: { code: 'invalid_signature', message: expect.any(String) } });
    if (d.workflowId) expect(await runCount(d.workflowId)).toBe(0);
  },
);

test.each(deliveries().map((d) => [d.source]))(
  'an unsigned %s webhook gets 401 missing_signature',
  async (source) => {
    const d = deliveries().find((x) => x.source === source)!;
    const res = await post(d.source, d.body, {});
    expect(res).toMatchObject({ status: 401, body: { error: { code: 'missing_signature' } } });
    if (d.workflowId) expect(await runCount(d.workflowId)).toBe(0);
  },
);

test('Slack url_verification is answered 200 with its challenge, once the signature holds', async () => {
  const challenge = `3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P-${uniqueId()}`;
  const body = JSON.stringify({ token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl', challenge, type: 'url_verification' });
  const secret = stack.config.webhookSecrets.slack[0];
  expect(await post('slack', body, slackHeaders(body, secret))).toMatchObject({
    status: 200,
    body: { challenge },
  });
  const forged = await post('slack', body, slackHeaders(body, 'not-the-signing-secret'));
  expect(forged).toMatchObject({ status: 401, body: { error: { code: 'invalid_signature' } } });
});

test('signed but malformed deliveries are 400s, never a run', async () => {
  const shopifySecret = stack.config.webhookSecrets.shopify[0];
  const order = JSON.stringify({ email: 'no-id@example.com' });
  // An order webhook without the order id cannot be routed: 400 invalid_payload, so nobody waits on it.
  const noId = await post('shopify', order, shopifyHeaders(order, shopifySecret, 'orders/create'));
  expect(noId).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });
  const { 'x-shopify-topic': _topic, ...withoutTopic } = shopifyHeaders(
    order,
    shopifySecret,
    'orders/create',
  );
  const noTopic = await post('shopify', order, withoutTopic);
  expect(noTopic).toMatchObject({ status: 400, body: { error: { code: 'missing_header' } } });
  const notJson = 'not json';
  const badJson = await post('generic', notJson, {
    'x-signature': `sha256=${createHmac('sha256', stack.config.webhookSecrets.generic[0]).update(notJson).digest('hex')}`,
  });
  expect(badJson).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
  const shipped = JSON.stringify({ type: 'order.shipped', timestamp: new Date().toISOString(), data: {} });
  const noReference = await post(
    'shipbob',
    shipped,
    standardWebhookHeaders(shipped, stack.config.webhookSecrets.shipbob),
  );
  expect(noReference).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload' } } });
});
