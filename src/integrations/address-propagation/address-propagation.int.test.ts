/** address-propagation through the gateway and a real dev server: every target, per-target outcomes, no echo loop. */
import { findIntegration } from '../catalog';
import { holdsOwnWrite, originOf, readAddress } from './mapping';
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
async function moveInHubspot(
  stack: TestStack,
  hubspotId: string,
  properties: Record<string, string> = {
    address: '1 Rue de Rivoli',
    city: 'Paris',
    zip: '75001',
    country: 'fr',
  },
) {
  const res = await fetch(`${stack.sandbox.url}/_sandbox/hubspot/contacts/${hubspotId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ properties }),
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

    // Shopify reports our own write back as customers/update.
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
    // Our write carried its origin marker: the Shopify customer holds what we wrote, so nothing is
    // looked up elsewhere, let alone written.
    expect(echoOutcome.lastOutcome).toMatch(/holds the address this integration wrote: an echo/);
    expect(echoOutcome.targets).toEqual({});
    expect(countWrites(stack)).toEqual(writesBefore);
  });

  test('a Shopify customer whose email only resembles the contact’s is no match: not found, never written', async () => {
    const id = uniqueId();
    const email = `ada.${id}@example.com`;
    const hubspotId = uniqueId();
    stack.sandbox.hubspot.upsertContact(hubspotId, {
      email,
      address: '12 St James Sq',
      city: 'London',
      zip: 'SW1Y 4JH',
      country: 'GB',
    });
    // Shopify's search is tokenized: `email:ada.<id>@example.com` also finds these two other people.
    const lookalikes = [`ada.${id}@example.com.au`, `${id}@example.com`].map((e) =>
      stack.sandbox.shopify.createCustomer({
        email: e,
        address: { address1: '1 Other Road', city: 'Sydney', zip: '2000', country_code: 'AU' },
      }),
    );

    await moveInHubspot(stack, hubspotId);
    const outcome = await result(stack, `address-propagation/hubspot/${hubspotId}`);

    expect(outcome.targets.shopify).toEqual({ status: 'not_found' });
    for (const c of lookalikes) {
      expect(stack.sandbox.shopify.customers.get(c.id)?.default_address?.city).toBe('Sydney');
      expect(addressWrites(stack, 'shopify', String(c.id))).toBe(0);
    }
  });

  test('a Shopify customer whose email differs only in case and surrounding spaces is the match, and is updated', async () => {
    const id = uniqueId();
    // Shopify's tokenized search also returns this one, listed before the real match.
    const lookalike = stack.sandbox.shopify.createCustomer({
      email: `ada.${id}@example.com.au`,
      address: { address1: '1 Other Road', city: 'Sydney', zip: '2000', country_code: 'AU' },
    });
    const { hubspotId, shopifyId } = seedCustomer(stack, `ada.${id}@example.com`);
    stack.sandbox.shopify.customers.get(shopifyId)!.email = `  Ada.${id}@Example.COM `;

    await moveInHubspot(stack, hubspotId);
    const outcome = await result(stack, `address-propagation/hubspot/${hubspotId}`);

    expect(outcome.targets.shopify).toEqual({ status: 'updated', id: String(shopifyId) });
    expect(addressWrites(stack, 'shopify', String(shopifyId))).toBe(1);
    expect(stack.sandbox.shopify.customers.get(shopifyId)?.default_address).toMatchObject({
      address1: '1 Rue de Rivoli',
      city: 'Paris',
      zip: '75001',
      country_code: 'FR',
    });
    expect(stack.sandbox.shopify.customers.get(lookalike.id)?.default_address?.city).toBe('Sydney');
    expect(addressWrites(stack, 'shopify', String(lookalike.id))).toBe(0);
  });

  test('each write carries its origin marker: HubSpot property, Stripe metadata, Shopify note line', async () => {
    const MARKER = /^[0-9a-f]{8}@\d+$/;
    const { hubspot, shopify, stripe } = stack.sandbox;
    const { hubspotId, shopifyId, stripeId } = seedCustomer(stack, `origin.${uniqueId()}@example.com`);
    shopify.customers.get(shopifyId)!.note = 'VIP: ring twice';

    // HubSpot → Shopify and Stripe.
    await moveInHubspot(stack, hubspotId);
    const fromHubspot = await result(stack, `address-propagation/hubspot/${hubspotId}`);
    expect(fromHubspot.targets).toMatchObject({
      shopify: { status: 'updated' },
      stripe: { status: 'updated' },
    });
    const hubspotEditedAt = Date.parse(hubspot.contacts.get(hubspotId)!.updatedAt);

    const stripeCustomer = stripe.customers.get(stripeId)!;
    const stripeMarker = stripeCustomer.metadata.switchboard_address_origin;
    expect(stripeMarker).toMatch(MARKER);
    expect(stripeMarker.split('@')[1]).toBe(String(hubspotEditedAt));
    expect(
      holdsOwnWrite('stripe', readAddress('stripe', stripeCustomer), originOf('stripe', stripeCustomer)),
    ).toBe(true);

    const shopifyCustomer = shopify.customers.get(shopifyId)!;
    const noteLines = (shopifyCustomer.note ?? '').split('\n');
    // The merchant's own note is kept; ours is a line of its own.
    expect(noteLines).toContain('VIP: ring twice');
    const shopifyMarker = noteLines
      .find((l) => l.startsWith('switchboard-address-origin: '))
      ?.slice('switchboard-address-origin: '.length);
    expect(shopifyMarker).toMatch(MARKER);
    expect(shopifyMarker!.split('@')[1]).toBe(String(hubspotEditedAt));
    expect(
      holdsOwnWrite('shopify', readAddress('shopify', shopifyCustomer), originOf('shopify', shopifyCustomer)),
    ).toBe(true);

    // A merchant edits the address in Shopify → HubSpot (and Stripe).
    const edited = shopify.editCustomerAddress(shopifyId, {
      address1: '5 Avenue Foch',
      city: 'Paris',
      zip: '75116',
      country_code: 'FR',
    });
    await shopify.webhooks.settled();
    const fromShopify = await result(stack, `address-propagation/shopify/${shopifyId}`);
    expect(fromShopify.targets).toMatchObject({
      hubspot: { status: 'updated' },
      stripe: { status: 'updated' },
    });
    const shopifyEditedAt = Date.parse(edited.updated_at!);

    const contact = hubspot.contacts.get(hubspotId)!;
    expect(contact.properties).toMatchObject({ address: '5 Avenue Foch', zip: '75116' });
    const hubspotMarker = contact.properties.switchboard_address_origin ?? '';
    expect(hubspotMarker).toMatch(MARKER);
    expect(hubspotMarker.split('@')[1]).toBe(String(shopifyEditedAt));
    expect(holdsOwnWrite('hubspot', readAddress('hubspot', contact), originOf('hubspot', contact))).toBe(
      true,
    );
    expect(stripe.customers.get(stripeId)!.metadata.switchboard_address_origin.split('@')[1]).toBe(
      String(shopifyEditedAt),
    );
    // The merchant's note is still there.
    expect(shopify.customers.get(shopifyId)!.note).toContain('VIP: ring twice');
  });

  describe('free-text countries and states', () => {
    test('HubSpot’s "United States" / "Calif." and "Deutschland" / "Bayern" land as ISO 3166 codes', async () => {
      const cases = [
        {
          hubspot: { country: 'United States', state: 'Calif.', city: 'Mountain View', zip: '94043' },
          iso: { country: 'US', state: 'CA' },
        },
        {
          hubspot: { country: 'Deutschland', state: 'Bayern', city: 'München', zip: '80331' },
          iso: { country: 'DE', state: 'BY' },
        },
      ];
      for (const { hubspot, iso } of cases) {
        const { hubspotId, shopifyId, stripeId } = seedCustomer(stack, `iso.${uniqueId()}@example.com`);
        await moveInHubspot(stack, hubspotId, { address: '1 Main Street', ...hubspot });
        const outcome = await result(stack, `address-propagation/hubspot/${hubspotId}`);

        expect(outcome.targets).toMatchObject({
          shopify: { status: 'updated' },
          stripe: { status: 'updated' },
        });
        expect(stack.sandbox.shopify.customers.get(shopifyId)?.default_address).toMatchObject({
          city: hubspot.city,
          country_code: iso.country,
          province_code: iso.state,
        });
        expect(stack.sandbox.stripe.customers.get(stripeId)?.address).toMatchObject({
          city: hubspot.city,
          country: iso.country,
          state: iso.state,
        });
      }
    });

    test('an unknown state is reported, alerts nobody and never blanks the targets’ state', async () => {
      stack.config.alerts.webhookUrl = stack.sandbox.alertWebhookUrl;
      const { hubspotId, shopifyId, stripeId } = seedCustomer(stack, `nostate.${uniqueId()}@example.com`);
      stack.sandbox.stripe.customers.get(stripeId)!.address = {
        line1: '12 St James Sq',
        line2: null,
        city: 'London',
        state: 'LND',
        postal_code: 'SW1Y 4JH',
        country: 'GB',
      };
      stack.sandbox.shopify.customers.get(shopifyId)!.default_address!.province_code = 'LND';
      await moveInHubspot(stack, hubspotId, {
        address: '1 Rue de Rivoli',
        city: 'Paris',
        zip: '75001',
        country: 'France',
        state: 'Nowhereshire',
      });
      const outcome = await result(stack, `address-propagation/hubspot/${hubspotId}`);

      expect(outcome.unrecognised).toEqual([{ field: 'state', value: 'Nowhereshire' }]);
      expect(outcome.lastOutcome).toMatch(/state "Nowhereshire" not recognised/);
      expect(outcome.targets).toMatchObject({
        shopify: { status: 'updated' },
        stripe: { status: 'updated' },
      });
      expect(stack.sandbox.shopify.customers.get(shopifyId)?.default_address).toMatchObject({
        city: 'Paris',
        country_code: 'FR',
        province_code: 'LND',
      });
      expect(stack.sandbox.stripe.customers.get(stripeId)?.address).toMatchObject({
        city: 'Paris',
        country: 'FR',
        state: 'LND',
      });
      expect(await alertsAbout(stack, hubspotId)).toEqual([]);
    });

    test('an unknown country is reported, alerts nobody, and no target is written', async () => {
      stack.config.alerts.webhookUrl = stack.sandbox.alertWebhookUrl;
      const { hubspotId, shopifyId, stripeId } = seedCustomer(stack, `nowhere.${uniqueId()}@example.com`);
      await moveInHubspot(stack, hubspotId, {
        address: '1 Nowhere Road',
        city: 'Nowhere',
        zip: '00000',
        country: 'Xyzzyland',
      });
      const outcome = await result(stack, `address-propagation/hubspot/${hubspotId}`);

      expect(outcome.unrecognised).toEqual([{ field: 'country', value: 'Xyzzyland' }]);
      expect(outcome.lastOutcome).toMatch(/country "Xyzzyland" not recognised/);
      expect(addressWrites(stack, 'shopify', String(shopifyId))).toBe(0);
      expect(addressWrites(stack, 'stripe', stripeId)).toBe(0);
      expect(stack.sandbox.shopify.customers.get(shopifyId)?.default_address?.country_code).toBe('GB');
      expect(await alertsAbout(stack, hubspotId)).toEqual([]);
    });
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

/** The alerts the receiver got about one record's run. */
async function alertsAbout(stack: TestStack, recordId: string) {
  const res = await fetch(`${stack.sandbox.url}/_sandbox/alerts/messages`);
  return ((await res.json()) as { text: string }[]).filter((a) => a.text.includes(recordId));
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

describe('quick edits in two systems, every webhook a little late (as real senders are)', () => {
  const WEBHOOK_DELAY_MS = 300;
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { ADDRESS_PROPAGATION_IDLE_TIMEOUT: '1s' } });
    // HubSpot, Shopify and Stripe report our own writes back, as they do for a subscribed app.
    for (const standIn of [stack.sandbox.hubspot, stack.sandbox.shopify, stack.sandbox.stripe]) {
      standIn.webhooks.notifyApiWrites = true;
      standIn.webhooks.delayMs = WEBHOOK_DELAY_MS;
    }
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Until no webhook is on its way and no run it started is still open. */
  async function quiet(ids: { hubspotId: string; shopifyId: number; stripeId: string }) {
    const workflowIds = [
      `address-propagation/hubspot/${ids.hubspotId}`,
      `address-propagation/shopify/${ids.shopifyId}`,
      `address-propagation/stripe/${ids.stripeId}`,
    ];
    for (;;) {
      const { hubspot, shopify, stripe } = stack.sandbox;
      await Promise.all([hubspot.webhooks.settled(), shopify.webhooks.settled(), stripe.webhooks.settled()]);
      let open = 0;
      for (const id of workflowIds) {
        const handle = stack.client.workflow.getHandle(id);
        const running = await handle.describe().then(
          (d) => d.status.name === 'RUNNING',
          () => false,
        );
        if (running) {
          open++;
          await handle.result();
        }
      }
      if (open === 0) return;
    }
  }

  test('A → B in HubSpot, then C in Shopify, 200 ms apart: the echo of B never reverts C; C everywhere', async () => {
    const email = `echo.${uniqueId()}@example.com`;
    const ids = seedCustomer(stack, email);
    const { hubspot, shopify } = stack.sandbox;
    const inHubspot = (line1: string) => {
      hubspot.upsertContact(ids.hubspotId, { address: line1 });
      hubspot.webhooks.send(() =>
        hubspot.sendWebhook([
          {
            subscriptionType: 'contact.propertyChange',
            objectId: ids.hubspotId,
            propertyName: 'address',
            propertyValue: line1,
          },
        ]),
      );
    };
    const pause = () => new Promise((resolve) => setTimeout(resolve, 200));

    inHubspot('1 Alpha Street');
    await pause();
    inHubspot('2 Bravo Street');
    await pause();
    shopify.editCustomerAddress(ids.shopifyId, { address1: '3 Charlie Street' });
    await quiet(ids);

    expect({
      hubspot: hubspot.contacts.get(ids.hubspotId)?.properties.address,
      shopify: shopify.customers.get(ids.shopifyId)?.default_address?.address1,
      stripe: stack.sandbox.stripe.customers.get(ids.stripeId)?.address?.line1,
    }).toEqual({ hubspot: '3 Charlie Street', shopify: '3 Charlie Street', stripe: '3 Charlie Street' });
  });
});
