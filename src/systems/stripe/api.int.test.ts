/** Contract: the Stripe connector against its sandbox stand-in (form bodies, Idempotency-Key, error shape). */
import { createStripeActivities } from './api';
import { useConnectorSandbox } from '../../../test/helpers/connectorSandbox';

const env = useConnectorSandbox();
const stripe = env.activities(createStripeActivities);

/** A draft invoice in USD for the customer, due in `daysUntilDue` days, created under `key`. */
const draftFor = (customer: { id: string }, key: string, daysUntilDue: number) =>
  stripe.createStripeDraftInvoice({ customer: customer.id, currency: 'usd', daysUntilDue }, key);

test('customer upsert by email: created once, then found and updated', async () => {
  const first = await stripe.upsertStripeCustomer(
    { email: 'buyer@example.com', name: 'Ada', metadata: { hubspot_contact_id: '1' } },
    'k-cust-1',
  );
  const second = await stripe.upsertStripeCustomer(
    { email: 'buyer@example.com', name: 'Ada Lovelace', metadata: {} },
    'k-cust-2',
  );
  expect(second.id).toBe(first.id);
  expect(second).toMatchObject({ name: 'Ada Lovelace', metadata: { hubspot_contact_id: '1' } });
  expect(
    [...env.sandbox.stripe.customers.values()].filter((c) => c.email === 'buyer@example.com'),
  ).toHaveLength(1);
  const create = env.sandbox.recorders.stripe.requests.find(
    (r) => r.method === 'POST' && r.path === '/v1/customers',
  );
  expect(create?.body).toMatchObject({ email: 'buyer@example.com', metadata: { hubspot_contact_id: '1' } });
  expect(create?.idempotencyKey).toBe('k-cust-1/create');
});

test('draft invoice → item attached → finalize; the same key replays the same invoice', async () => {
  const customer = await stripe.upsertStripeCustomer({ email: 'inv@example.com', metadata: {} }, 'k-inv-c');
  const draft = await draftFor(customer, 'k-inv', 30);
  const replay = await draftFor(customer, 'k-inv', 30);
  expect(replay.id).toBe(draft.id);
  expect(env.sandbox.stripe.invoices.size).toBe(1);

  const item = await stripe.createStripeInvoiceItem(
    customer.id,
    draft.id,
    { amount: 1250050, currency: 'usd', description: 'Big one', metadata: { hubspot_deal_id: '9' } },
    'k-item',
  );
  expect(item).toMatchObject({ invoice: draft.id, amount: 1250050 });
  const open = await stripe.finalizeStripeInvoice(draft.id, 'k-fin');
  expect(open).toMatchObject({ status: 'open', amount_due: 1250050, number: expect.stringMatching(/^SBX-/) });
  // A retry of finalize with the same key is Stripe's saved answer, not a "already finalized" error.
  expect(await stripe.finalizeStripeInvoice(draft.id, 'k-fin')).toMatchObject({
    id: draft.id,
    status: 'open',
  });
});

test('a key reused with other parameters is refused with Stripe’s idempotency_error', async () => {
  const customer = await stripe.upsertStripeCustomer({ email: 'idem@example.com', metadata: {} }, 'k-idem-c');
  await draftFor(customer, 'k-idem', 30);
  await expect(
    stripe.createStripeDraftInvoice({ customer: customer.id, currency: 'eur', daysUntilDue: 30 }, 'k-idem'),
  ).rejects.toMatchObject({
    type: 'ApiRequestError',
    nonRetryable: true,
    message: expect.stringContaining('Keys for idempotent requests'),
  });
});

test('compensations: delete a draft with its items; void an open invoice', async () => {
  const customer = await stripe.upsertStripeCustomer({ email: 'comp@example.com', metadata: {} }, 'k-comp-c');
  const draft = await draftFor(customer, 'k-comp-d', 7);
  const item = await stripe.createStripeInvoiceItem(
    customer.id,
    draft.id,
    { amount: 100, currency: 'usd', description: 'x', metadata: {} },
    'k-comp-i',
  );
  expect(await stripe.deleteStripeInvoiceItem(item.id)).toEqual({ deleted: true });
  expect(await stripe.deleteStripeDraftInvoice(draft.id)).toEqual({ deleted: true });
  expect(await stripe.deleteStripeDraftInvoice(draft.id)).toEqual({ deleted: false });

  const other = await draftFor(customer, 'k-comp-d2', 7);
  await stripe.finalizeStripeInvoice(other.id, 'k-comp-f2');
  await expect(stripe.deleteStripeDraftInvoice(other.id)).rejects.toMatchObject({
    message: expect.stringContaining('You can only delete draft invoices'),
  });
  expect(await stripe.voidStripeInvoice(other.id, 'k-comp-v2')).toMatchObject({ status: 'void' });
});

test('injected permanent failures carry Stripe’s error body and are non-retryable', async () => {
  const customer = await stripe.upsertStripeCustomer({ email: 'fail@example.com', metadata: {} }, 'k-fail-c');
  const draft = await draftFor(customer, 'k-fail-d', 7);
  const res = await fetch(`${env.sandbox.url}/_sandbox/stripe/fail-invoicing`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ preset: 'card_declined', on: 'finalize' }),
  });
  expect(res.status).toBe(204);
  await expect(stripe.finalizeStripeInvoice(draft.id, 'k-fail-f')).rejects.toMatchObject({
    type: 'ApiRequestError',
    nonRetryable: true,
    message: expect.stringContaining('402: Your card was declined.'),
  });
  env.sandbox.stripe.failInvoicing(undefined);
  await expect(stripe.findStripeCustomerByEmail('nobody@example.com')).resolves.toBeNull();
  await expect(
    createStripeActivities(env.badHttp).findStripeCustomerByEmail('x@example.com'),
  ).rejects.toMatchObject({
    type: 'ApiRequestError',
    message: expect.stringContaining('401: Invalid API Key provided'),
  });
});
