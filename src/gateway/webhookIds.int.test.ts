/**
 * Ids and Temporal's limits, on the live dev server: the signed HubSpot event with a 1,000-character
 * objectId is a 400 naming the field (it was a 500 senders retried for days); the longest ids each envelope
 * accepts make workflow ids the server accepts; and what the server refuses of a start (a workflow id over
 * 1,000 bytes, a RecordId over 2 KiB, a workflow id that is not UTF-8) comes out of temporalCallFailed as a
 * 400 naming the field, while a configuration fault (an undefined search attribute) stays a 500.
 * The runs started here are checked for existence, then terminated.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { HttpError, temporalCallFailed } from './errors';
import { findIntegration } from '../integrations/catalog';
import { startRun } from '../runtime/startRun';
import { postWebhook, uniqueId, useStack } from '../../test/helpers/stack';
import {
  hubspotHeaders,
  standardWebhookHeaders,
  stripeHeaders,
  type Headers,
} from '../../test/helpers/webhookSigning';

const stack = useStack();

async function post(source: string, body: string, headers: Headers) {
  const res = await postWebhook(stack, source, body, headers);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const hubspot = (body: string) =>
  hubspotHeaders(`${stack.gatewayUrl}/webhooks/hubspot`, body, stack.config.webhookSecrets.hubspot[0]);

const contactCreated = (objectId: string | number, eventId = 1) => ({
  eventId,
  objectId,
  occurredAt: Date.now(),
  subscriptionType: 'contact.creation',
});

async function expectRunThenTerminate(workflowId: string) {
  const handle = stack.client.workflow.getHandle(workflowId);
  expect((await handle.describe()).workflowId).toBe(workflowId);
  await handle.terminate('webhookIds.int.test: checked');
}

test('the issue: a signed HubSpot objectId of 1,000+ characters → 400 invalid_payload naming it, no run', async () => {
  const valid = uniqueId();
  const body = JSON.stringify([contactCreated(valid), contactCreated('1'.repeat(1_000), 2)]);
  const res = await post('hubspot', body, hubspot(body));
  expect(res).toEqual({
    status: 400,
    body: {
      error: {
        code: 'invalid_payload',
        message: '1.objectId: a HubSpot object id (a whole number, or 1–20 digits)',
      },
    },
  });
  // The valid event of the refused batch was not started either.
  const count = await stack.client.workflow.count(`WorkflowId = 'contact-sync/hubspot/contact-${valid}'`);
  expect(count.count).toBe(0);
});

test('the longest ids the envelopes accept make workflow ids the server accepts', async () => {
  const fill = (prefix: string, unit: string, units: number) => prefix + unit.repeat(units - prefix.length);
  // 20 digits; a 255-character Stripe id; 200 UTF-16 units of 3-byte characters (≈600 bytes).
  const objectId = fill(uniqueId(), '0', 20);
  const stripeCustomer = fill(`cus_${uniqueId()}`, 'a', 255);
  const reference = fill(uniqueId(), '€', 200);

  const hubspotBody = JSON.stringify([contactCreated(objectId)]);
  expect((await post('hubspot', hubspotBody, hubspot(hubspotBody))).status).toBe(202);
  await expectRunThenTerminate(`contact-sync/hubspot/contact-${objectId}`);

  const stripeBody = JSON.stringify({
    id: `evt_${uniqueId()}`,
    type: 'customer.updated',
    created: Math.floor(Date.now() / 1000),
    data: { object: { id: stripeCustomer, object: 'customer' } },
  });
  const stripe = await post(
    'stripe',
    stripeBody,
    stripeHeaders(stripeBody, stack.config.webhookSecrets.stripe),
  );
  expect(stripe.status).toBe(202);
  await expectRunThenTerminate(`address-propagation/stripe/${stripeCustomer}`);

  const shipbobBody = JSON.stringify({
    type: 'order.shipped',
    timestamp: new Date().toISOString(),
    data: { order_id: 1, reference_id: reference },
  });
  const shipbob = await post(
    'shipbob',
    shipbobBody,
    standardWebhookHeaders(shipbobBody, stack.config.webhookSecrets.shipbob),
  );
  expect(shipbob.status).toBe(202);
  const workflowId = `order-fulfillment/shopify/order-${reference}`;
  expect(Buffer.byteLength(workflowId)).toBeGreaterThan(600);
  await expectRunThenTerminate(workflowId);
});

describe("what the server refuses of a start, through temporalCallFailed (the dev server's own errors)", () => {
  const integration = findIntegration('deal-won')!;
  const plan = (workflowId: string, recordId = '1') => ({
    mode: 'start' as const,
    workflowId,
    recordId,
    args: [] as never,
    summary: 'webhookIds.int.test',
  });
  // No worker polls this queue: an accepted start only waits, and is terminated.
  const start = (p: ReturnType<typeof plan>) =>
    startRun(stack.client, 'webhook-ids-no-worker', integration, p, { source: 'test', eventType: 'test' });
  const failureOf = async (p: ReturnType<typeof plan>) => {
    try {
      await start(p);
    } catch (err) {
      return temporalCallFailed(err);
    }
    throw new Error(`the server accepted ${p.workflowId.slice(0, 60)}…`);
  };

  test('a workflow id of 1,000 bytes is accepted; 1,001 → 400 invalid_workflow_input naming workflowId', async () => {
    // Bytes, not characters: 300 two-byte characters, then ASCII up to exactly 1,000 bytes.
    const prefix = `webhook-ids/${uniqueId()}-${'é'.repeat(300)}`;
    const atLimit = prefix + 'x'.repeat(1000 - Buffer.byteLength(prefix));
    expect(Buffer.byteLength(atLimit)).toBe(1000);
    await start(plan(atLimit));
    await stack.client.workflow.getHandle(atLimit).terminate('webhookIds.int.test: checked');

    expect(await failureOf(plan(`${atLimit}x`))).toMatchObject({
      status: 400,
      code: 'invalid_workflow_input',
      message: 'workflowId: WorkflowId exceeds maximum allowed length (1001/1000)',
    });
  });

  test('a RecordId over 2 KiB → 400 naming searchAttributes.RecordId', async () => {
    const failure = await failureOf(plan(`webhook-ids/${uniqueId()}`, 'r'.repeat(3000)));
    expect(failure).toMatchObject({ status: 400, code: 'invalid_workflow_input' });
    expect((failure as HttpError).message).toMatch(
      /^searchAttributes\.RecordId: search attribute RecordId value size/,
    );
  });

  test('a workflow id that is not valid UTF-8 (a lone surrogate) → 400 naming workflowId', async () => {
    const failure = await failureOf(plan(`webhook-ids/${uniqueId()}-\ud800`));
    expect(failure).toMatchObject({ status: 400, code: 'invalid_workflow_input' });
    expect((failure as HttpError).message).toMatch(/^workflowId: .*invalid UTF-8/);
  });

  test('a search attribute the namespace does not define is configuration: rethrown → 500', async () => {
    const undefinedKey = defineSearchAttributeKey('NotRegisteredHere', SearchAttributeType.KEYWORD);
    let failure: unknown;
    try {
      await stack.client.workflow.start(integration.workflow, {
        taskQueue: 'webhook-ids-no-worker',
        workflowId: `webhook-ids/${uniqueId()}`,
        args: [] as never,
        typedSearchAttributes: [{ key: undefinedKey, value: 'x' }],
      });
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeDefined();
    expect(temporalCallFailed(failure)).toBe(failure);
  });
});
