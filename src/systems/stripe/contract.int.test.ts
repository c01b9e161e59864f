/**
 * The Stripe connector against Stripe's own contract, not our stand-in: stripe-mock validates every
 * request (path, method, each form parameter and its type) against Stripe's OpenAPI specification and
 * answers with Stripe's fixtures, which the connector's zod schemas must accept in turn. Each call that
 * deal-won and address-propagation make is run here; a parameter Stripe does not know, or a shape the
 * connector misreads, fails this test.
 */
import { HttpClient, type ApiCallRecord } from '../../http/client';
import { loadConfig } from '../../config';
import { startStripeMock, StripeMock } from '../../../test/helpers/stripeMock';
import { createStripeActivities } from './api';

let mock: StripeMock;
let stripe: ReturnType<typeof createStripeActivities>;
const calls: ApiCallRecord[] = [];

beforeAll(async () => {
  mock = await startStripeMock();
  const config = loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    LOG_LEVEL: 'silent',
    STRIPE_BASE_URL: mock.url,
    STRIPE_SECRET_KEY: 'sk_test_123',
  });
  stripe = createStripeActivities(
    new HttpClient({ systems: config.systems, onCall: (record) => calls.push(record) }),
  );
}, 600_000); // a first run may `go install` stripe-mock
afterAll(async () => {
  await mock?.stop();
});

/** Each connector call once, as the integrations make it. */
const CONTRACT: Record<keyof ReturnType<typeof createStripeActivities>, () => Promise<unknown>> = {
  upsertStripeCustomer: () =>
    stripe.upsertStripeCustomer(
      {
        email: 'Ada@Example.com',
        name: 'Ada Lovelace',
        phone: '+44 20 7946 0000',
        metadata: { hubspot_contact_id: '101', company: 'AE Ltd' },
      },
      'contract/customer',
    ),
  findStripeCustomerByEmail: () => stripe.findStripeCustomerByEmail("o'brien@example.com"),
  getStripeCustomer: () => stripe.getStripeCustomer('cus_contract'),
  updateStripeCustomerAddress: () =>
    stripe.updateStripeCustomerAddress('cus_contract', {
      line1: '12 Analytical Way',
      line2: null,
      city: 'London',
      state: undefined,
      postal_code: 'N1 9GU',
      country: 'GB',
    }),
  findStripeInvoiceForDeal: () => stripe.findStripeInvoiceForDeal('1234'),
  createStripeDraftInvoice: () =>
    stripe.createStripeDraftInvoice(
      {
        customer: 'cus_contract',
        currency: 'usd',
        daysUntilDue: 30,
        description: 'Deal 1234',
        metadata: { hubspot_deal_id: '1234' },
      },
      'contract/invoice',
    ),
  createStripeInvoiceItem: () =>
    stripe.createStripeInvoiceItem(
      'cus_contract',
      'in_contract',
      {
        amount: 2500050,
        currency: 'usd',
        description: 'Deal 1234',
        metadata: { hubspot_deal_id: '1234', hubspot_closedate: '2025-03-01T00:00:00Z' },
      },
      'contract/item',
    ),
  finalizeStripeInvoice: () => stripe.finalizeStripeInvoice('in_contract', 'contract/finalize'),
  voidStripeInvoice: () => stripe.voidStripeInvoice('in_contract', 'contract/void'),
  voidStripeInvoiceIfFinalized: () => stripe.voidStripeInvoiceIfFinalized('in_contract', 'contract/void-2'),
  deleteStripeDraftInvoice: () => stripe.deleteStripeDraftInvoice('in_contract'),
  deleteStripeInvoiceItem: () => stripe.deleteStripeInvoiceItem('ii_contract'),
};

test.each(Object.keys(CONTRACT))(
  'stripe-mock accepts %s, and the connector reads its answer',
  async (name) => {
    const before = calls.length;
    await expect(CONTRACT[name as keyof typeof CONTRACT]()).resolves.toBeDefined();
    const made = calls.slice(before);
    expect(made.length).toBeGreaterThan(0);
    for (const call of made) expect(call).toMatchObject({ system: 'stripe', status: 200 });
  },
);

test('the customer upsert updates the customer Stripe finds (whatever the email’s case)', async () => {
  const existing = await stripe.getStripeCustomer('cus_contract');
  // stripe-mock answers every read with its fixture customer: its email is the one to look up.
  const email = existing?.email ?? 'jenny.rosen@example.com';
  const before = calls.length;
  await stripe.upsertStripeCustomer(
    { email: email.toUpperCase(), name: 'Jenny', metadata: {} },
    'contract/upd',
  );
  const writes = calls.slice(before).filter((c) => c.method === 'POST');
  expect(writes).toHaveLength(1);
  expect(writes[0]).toMatchObject({ status: 200 });
});

test('stripe-mock has teeth: a parameter Stripe does not know is refused', async () => {
  const res = await fetch(`${mock.url}/v1/invoices`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer sk_test_123',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'customer=cus_contract&days_until_overdue=30',
  });
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
});

test('every Stripe connector call is in the contract above', () => {
  expect(Object.keys(createStripeActivities(new HttpClient({ systems: {} as never }))).sort()).toEqual(
    Object.keys(CONTRACT).sort(),
  );
});
