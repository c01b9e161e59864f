/** address-propagation's fan-out with stubbed HubSpot, Shopify and Stripe: per-target outcomes, echoes. */
import { refusing, useWorkflowHarness } from '../../../test/helpers/workflowHarness';
import type { ActivityStubs, WorkflowRun } from '../../../test/helpers/workflowHarness';
import { addressChangedSignal, addressPropagation, AddressPropagationInput } from './workflow';

const harness = useWorkflowHarness();

const NEW = { line1: '1 New Street', city: 'London', postalCode: 'N1 1AA', country: 'GB' };
const OLD = { line1: '9 Old Road', city: 'Leeds', postalCode: 'LS1 1AA', country: 'GB' };
type Addr = typeof NEW & { line2?: string };

const hubspotContact = (a: Addr) => ({
  id: 'h1',
  properties: {
    email: 'Ada@Example.com',
    address: a.line1,
    city: a.city,
    zip: a.postalCode,
    country: a.country,
  },
});
const shopifyCustomer = (a: Addr) => ({
  id: 11,
  email: 'ada@example.com',
  default_address: {
    address1: a.line1,
    address2: a.line2,
    city: a.city,
    zip: a.postalCode,
    country_code: a.country,
  },
});
const stripeCustomer = (a: Addr) => ({
  id: 'cus_1',
  email: 'ada@example.com',
  address: { line1: a.line1, line2: a.line2, city: a.city, postal_code: a.postalCode, country: a.country },
});

/** Each system holds `addresses[system]`; every write succeeds. */
function systems(addresses: { hubspot: Addr; shopify: Addr; stripe: Addr }): ActivityStubs {
  return {
    getHubspotContact: async () => hubspotContact(addresses.hubspot),
    searchHubspotContacts: async () => ({ results: [hubspotContact(addresses.hubspot)], total: 1 }),
    updateHubspotContact: async (id) => ({ id, properties: {} }),
    getShopifyCustomer: async () => shopifyCustomer(addresses.shopify),
    findShopifyCustomerByEmail: async () => shopifyCustomer(addresses.shopify),
    updateShopifyCustomerAddress: async () => shopifyCustomer(NEW),
    getStripeCustomer: async () => stripeCustomer(addresses.stripe),
    findStripeCustomerByEmail: async () => stripeCustomer(addresses.stripe),
    updateStripeCustomerAddress: async () => stripeCustomer(NEW),
    raiseRunFailureAlert: async () => ({ delivered: true }),
  };
}

let n = 0;
function changed(run: WorkflowRun, source: AddressPropagationInput['source'], recordId: string) {
  return run.client.workflow.signalWithStart(addressPropagation, {
    taskQueue: run.taskQueue,
    workflowId: `address-propagation/${source}/${recordId}-${++n}`,
    args: [{ source, recordId, idleTimeout: '10m', targetTimeout: '5m' }],
    signal: addressChangedSignal,
    signalArgs: [{ eventId: `e${n}`, eventType: 'address.changed', occurredAt: 0 }],
  });
}

const writes = (run: WorkflowRun) => run.names().filter((name) => name.startsWith('update'));

test('a HubSpot address change is written to the Shopify and Stripe customers with the same email', () =>
  harness.run(systems({ hubspot: NEW, shopify: OLD, stripe: OLD }), async (run) => {
    const handle = await changed(run, 'hubspot', 'h1');
    await expect(handle.result()).resolves.toMatchObject({
      propagations: 1,
      targets: { shopify: { status: 'updated', id: '11' }, stripe: { status: 'updated', id: 'cus_1' } },
    });
    expect(run.argsOf('findShopifyCustomerByEmail')).toEqual([['ada@example.com']]);
    expect(run.argsOf('updateShopifyCustomerAddress')).toEqual([
      [
        '11',
        {
          address1: '1 New Street',
          address2: '',
          city: 'London',
          province_code: '',
          zip: 'N1 1AA',
          country_code: 'GB',
        },
        // Each write carries its origin marker: the written address's fingerprint @ the edit's time.
        { key: 'switchboard-address-origin', value: expect.stringMatching(/^[0-9a-f]{8}@\d+$/) },
      ],
    ]);
    expect(run.argsOf('updateStripeCustomerAddress')).toEqual([
      [
        'cus_1',
        { line1: '1 New Street', line2: '', city: 'London', state: '', postal_code: 'N1 1AA', country: 'GB' },
        { switchboard_address_origin: expect.stringMatching(/^[0-9a-f]{8}@\d+$/) },
        // Written only if the customer is still as read (Stripe has no updated time to compare).
        JSON.stringify([stripeCustomer(OLD).address, {}]),
      ],
    ]);
    expect(run.names()).not.toContain('raiseRunFailureAlert');
  }));

test('the echo of our own write finds every system equal and writes nothing', () =>
  harness.run(
    // HubSpot cannot hold the second line: its lack of one is not a difference.
    systems({ hubspot: NEW, shopify: { ...NEW, line2: 'Apt 4' }, stripe: { ...NEW, line2: 'apt  4' } }),
    async (run) => {
      const handle = await changed(run, 'shopify', '11');
      await expect(handle.result()).resolves.toMatchObject({
        targets: { hubspot: { status: 'unchanged', id: 'h1' }, stripe: { status: 'unchanged', id: 'cus_1' } },
      });
      expect(writes(run)).toEqual([]);
    },
  ));

test('one target refusing the write is reported for that target only, and a person is alerted', () =>
  harness.run(
    {
      ...systems({ hubspot: NEW, shopify: OLD, stripe: OLD }),
      updateStripeCustomerAddress: refusing('postal_code invalid for GB'),
    },
    async (run) => {
      const handle = await changed(run, 'hubspot', 'h1');
      const result = await handle.result();
      expect(result.targets).toEqual({
        shopify: { status: 'updated', id: '11' },
        stripe: { status: 'failed', error: expect.stringContaining('postal_code invalid for GB') },
      });
      expect(run.argsOf('raiseRunFailureAlert')).toEqual([
        [
          expect.objectContaining({
            integration: 'address-propagation',
            recordId: 'hubspot:h1',
            error: expect.stringMatching(/^address not propagated to stripe: .*postal_code invalid/),
          }),
        ],
      ]);
    },
  ));

test('a customer missing from a target is reported as not found there', () =>
  harness.run(
    { ...systems({ hubspot: NEW, shopify: OLD, stripe: OLD }), findShopifyCustomerByEmail: async () => null },
    async (run) => {
      const handle = await changed(run, 'hubspot', 'h1');
      await expect(handle.result()).resolves.toMatchObject({
        targets: { shopify: { status: 'not_found' }, stripe: { status: 'updated', id: 'cus_1' } },
      });
      expect(writes(run)).toEqual(['updateStripeCustomerAddress']);
    },
  ));

test('a target whose own address is a newer edit than the source’s is kept, not overwritten', () =>
  harness.run(
    {
      ...systems({ hubspot: NEW, shopify: OLD, stripe: OLD }),
      getHubspotContact: async () => ({ ...hubspotContact(NEW), updatedAt: '2026-01-01T10:00:00.000Z' }),
      findShopifyCustomerByEmail: async () => ({
        ...shopifyCustomer(OLD),
        updated_at: '2026-01-01T10:00:05.000Z',
      }),
    },
    async (run) => {
      const handle = await changed(run, 'hubspot', 'h1');
      await expect(handle.result()).resolves.toMatchObject({
        targets: { shopify: { status: 'kept_newer', id: '11' }, stripe: { status: 'updated', id: 'cus_1' } },
      });
      expect(writes(run)).toEqual(['updateStripeCustomerAddress']);
    },
  ));
