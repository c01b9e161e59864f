/** address-propagation through the gateway and a real dev server: every target, per-target outcomes, no echo loop. */
import { findIntegration } from '../catalog';
import type { AddressPropagationResult } from './workflow';
import { freePort } from '../../runtime/devServer';
import { startRun } from '../../runtime/startRun';
import { recordHistory } from '../../../test/helpers/histories';
import { startStack, TestStack, uniqueId } from '../../../test/helpers/stack';

const integration = findIntegration('address-propagation')!;

function seedCustomer(stack: TestStack, email: string) {
  const hubspotId = uniqueId();
  stack.sandbox.hubspot.upsertContact(hubspotId, {
    email,
    firstname: 'Ada',
    address: '12 St James Sq',
    city: 'London',
    zip: 'SW1Y 4JH',
    country: 'GB',
  });
  const shopify = stack.sandbox.shopify.createCustomer({
    email,
    first_name: 'Ada',
    address: {
      address1: '12 St James Sq',
      city: 'London',
      zip: 'SW1Y 4JH',
      country_code: 'GB',
      country: 'United Kingdom',
    },
  });
  const stripeId = `cus_${uniqueId()}`;
  stack.sandbox.stripe.customers.set(stripeId, {
    id: stripeId,
    object: 'customer',
    email,
    name: 'Ada',
    phone: null,
    address: null,
    metadata: {},
    created: Math.floor(Date.now() / 1000),
  });
  return { hubspotId, shopifyId: shopify.id, stripeId };
}

/** Moves the contact in the HubSpot stand-in, which sends HubSpot's signed propertyChange webhook. */
async function moveInHubspot(stack: TestStack, hubspotId: string) {
  const res = await fetch(`${stack.sandbox.url}/_sandbox/hubspot/contacts/${hubspotId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      properties: { address: '1 Rue de Rivoli', city: 'Paris', zip: '75001', country: 'fr' },
    }),
  });
  expect(((await res.json()) as { webhook: { status: number } }).webhook.status).toBe(202);
}

const result = (stack: TestStack, workflowId: string) =>
  stack.client.workflow.getHandle(workflowId).result() as Promise<AddressPropagationResult>;

describe('with every system up', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { ADDRESS_PROPAGATION_IDLE_TIMEOUT: '1s' } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('an address changed in HubSpot lands in Shopify and Stripe; the echo from Shopify writes nothing', async () => {
    const email = `ada.${uniqueId()}@example.com`;
    const { hubspotId, shopifyId, stripeId } = seedCustomer(stack, email);

    await moveInHubspot(stack, hubspotId);
    const workflowId = `address-propagation/hubspot/${hubspotId}`;
    const outcome = await result(stack, workflowId);

    // Five property events in one webhook: coalesced into one propagation, or into a few when they reach
    // the run in more than one batch; either way each target is written once.
    expect(outcome.propagations).toBeGreaterThanOrEqual(1);
    expect(addressWrites(stack, 'shopify', String(shopifyId))).toBe(1);
    expect(addressWrites(stack, 'stripe', stripeId)).toBe(1);
    expect(outcome.targets).toEqual({
      shopify: { status: 'updated', id: String(shopifyId) },
      stripe: { status: 'updated', id: stripeId },
    });
    expect(stack.sandbox.shopify.customers.get(shopifyId)?.default_address).toMatchObject({
      address1: '1 Rue de Rivoli',
      city: 'Paris',
      zip: '75001',
      country_code: 'FR',
    });
    expect(stack.sandbox.stripe.customers.get(stripeId)?.address).toEqual({
      line1: '1 Rue de Rivoli',
      line2: null,
      city: 'Paris',
      state: null,
      postal_code: '75001',
      country: 'FR',
    });
    await recordHistory(stack.client, workflowId, 'address-propagation');

    // Shopify reports our own write back as customers/update: the run finds everything equal.
    const writesBefore = countWrites(stack);
    const echo = integration.planFor!(
      {
        source: 'shopify',
        eventId: `echo-${uniqueId()}`,
        eventType: 'customers/update',
        recordId: String(shopifyId),
        occurredAt: Date.now(),
        payload: {},
      },
      stack.config,
    );
    await startRun(stack.client, stack.config.temporal.taskQueue, integration, echo, {
      source: 'shopify',
      eventType: 'customers/update',
    });
    const echoOutcome = await result(stack, echo.workflowId);
    expect(echoOutcome.targets).toEqual({
      hubspot: { status: 'unchanged', id: hubspotId },
      stripe: { status: 'unchanged', id: stripeId },
    });
    expect(countWrites(stack)).toEqual(writesBefore);
  });

  test('a change to a non-address property does not start a propagation', async () => {
    const email = `grace.${uniqueId()}@example.com`;
    const { hubspotId } = seedCustomer(stack, email);
    const reply = await stack.sandbox.hubspot.sendWebhook([
      {
        subscriptionType: 'contact.propertyChange',
        objectId: hubspotId,
        propertyName: 'firstname',
        propertyValue: 'Grace',
      },
    ]);
    expect(reply.status).toBe(202);
    const runs = (reply.body as { events: { runs: { integration: string }[] }[] }).events[0].runs.map(
      (r) => r.integration,
    );
    expect(runs).toEqual(['contact-sync']);
  });
});

function addressWrites(stack: TestStack, system: string, id: string) {
  return stack.sandbox.recorders[system].requests.filter(
    (r) => r.method !== 'GET' && r.path.includes(id) && !r.path.endsWith('/search'),
  ).length;
}

function countWrites(stack: TestStack) {
  const writes = (system: string) =>
    stack.sandbox.recorders[system].requests.filter((r) => r.method !== 'GET' && !r.path.endsWith('/search'))
      .length;
  return { hubspot: writes('hubspot'), shopify: writes('shopify'), stripe: writes('stripe') };
}

describe('with Stripe down', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        ADDRESS_PROPAGATION_IDLE_TIMEOUT: '1s',
        // Nothing listens there: every Stripe call fails to connect, and is retried for 3 s.
        STRIPE_BASE_URL: `http://127.0.0.1:${await freePort()}`,
        ADDRESS_PROPAGATION_TARGET_TIMEOUT: '3s',
      },
    });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('the other targets are updated and the run reports Stripe as failed', async () => {
    const email = `down.${uniqueId()}@example.com`;
    const { hubspotId, shopifyId } = seedCustomer(stack, email);
    await moveInHubspot(stack, hubspotId);
    const outcome = await result(stack, `address-propagation/hubspot/${hubspotId}`);
    expect(outcome.targets.shopify).toEqual({ status: 'updated', id: String(shopifyId) });
    expect(outcome.targets.stripe).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/stripe|timed out|ECONNREFUSED/i),
    });
    expect(stack.sandbox.shopify.customers.get(shopifyId)?.default_address?.city).toBe('Paris');
  });
});
