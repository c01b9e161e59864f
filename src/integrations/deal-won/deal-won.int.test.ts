/** deal-won through the gateway and a real dev server: exactly-once invoicing, Slack threshold, the saga. */
import { findIntegration } from '../catalog';
import type { DealWonResult } from './workflow';
import { recordHistory } from '../../../test/helpers/histories';
import { apiKeyHeader, startStack, TestStack, uniqueId } from '../../../test/helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ env: { DEAL_WON_SLACK_THRESHOLD: '10000' } });
});
afterAll(async () => {
  await stack?.stop();
});

interface DealReply {
  webhooks: { status: number; body: { duplicate: boolean; events: { status: string }[] } }[];
}

/** The demo's control endpoint: changes the deal in the HubSpot stand-in and sends HubSpot's signed webhook. */
async function winDeal(
  dealId: string,
  contactId: string,
  amount: string,
  deliveries = 1,
): Promise<DealReply> {
  const res = await fetch(`${stack.sandbox.url}/_sandbox/hubspot/deals/${dealId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      properties: {
        dealname: `Deal ${dealId}`,
        dealstage: 'closedwon',
        amount,
        closedate: '2025-03-01T00:00:00Z',
      },
      contactId,
      deliveries,
    }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as DealReply;
}

function billingContact(): { contactId: string; email: string } {
  const contactId = uniqueId();
  const email = `buyer.${contactId}@example.com`;
  stack.sandbox.hubspot.upsertContact(contactId, {
    email,
    firstname: 'Ada',
    lastname: 'Lovelace',
    company: 'AE Ltd',
  });
  return { contactId, email };
}

const invoicesOf = (dealId: string) =>
  [...stack.sandbox.stripe.invoices.values()].filter((i) => i.metadata.hubspot_deal_id === dealId);
const result = (dealId: string) =>
  stack.client.workflow.getHandle(`deal-won/hubspot/deal-${dealId}`).result() as Promise<DealWonResult>;

test('a won deal delivered three times is announced and invoiced exactly once', async () => {
  const { contactId, email } = billingContact();
  const dealId = uniqueId();
  stack.sandbox.hubspot.upsertDeal(dealId, { dealstage: 'contractsent', amount: '25000' }, [contactId]);

  const reply = await winDeal(dealId, contactId, '25000.50', 3);
  expect(reply.webhooks.map((w) => w.status)).toEqual([202, 202, 202]);
  expect(reply.webhooks.map((w) => w.body.duplicate)).toEqual([false, true, true]);
  // Even a new event (another eventId) about the same won deal is a duplicate of the deal's one run.
  const again = await stack.sandbox.hubspot.sendWebhook([
    {
      subscriptionType: 'deal.propertyChange',
      objectId: dealId,
      propertyName: 'dealstage',
      propertyValue: 'closedwon',
    },
  ]);
  expect(again.body).toMatchObject({ duplicate: true });

  const outcome = await result(dealId);
  expect(outcome).toMatchObject({
    outcome: 'invoiced',
    slack: 'posted',
    amountDue: 2500050,
    compensations: [],
  });
  await recordHistory(stack.client, `deal-won/hubspot/deal-${dealId}`, 'deal-won');

  const invoices = invoicesOf(dealId);
  expect(invoices).toHaveLength(1);
  expect(invoices[0]).toMatchObject({
    id: outcome.invoiceId,
    status: 'open',
    amount_due: 2500050,
    currency: 'usd',
  });
  expect(invoices[0].lines.data).toEqual([
    expect.objectContaining({
      amount: 2500050,
      description: `Deal ${dealId}`,
      metadata: expect.objectContaining({ hubspot_deal_id: dealId }),
    }),
  ]);
  const customers = [...stack.sandbox.stripe.customers.values()].filter((c) => c.email === email);
  expect(customers).toEqual([expect.objectContaining({ id: outcome.customerId, name: 'Ada Lovelace' })]);
  // Every Stripe write carried an Idempotency-Key.
  const writes = stack.sandbox.recorders.stripe.requests.filter(
    (r) => r.method === 'POST' && r.status === 200,
  );
  expect(writes.length).toBeGreaterThan(0);
  for (const w of writes) expect(w.idempotencyKey).toMatch(/^deal-won\/\d+\//);

  const announced = stack.sandbox.slack.messagesIn('#sales').filter((m) => m.text.includes(`Deal ${dealId}`));
  expect(announced).toHaveLength(1);
  expect(announced[0].text).toContain('USD 25,000.50');
  expect(stack.sandbox.hubspot.deals.get(dealId)?.properties).toMatchObject({
    switchboard_invoice_status: 'invoiced',
    switchboard_invoice_id: outcome.invoiceId,
  });

  const runs = [];
  for await (const run of stack.client.workflow.list({
    query: `WorkflowId = 'deal-won/hubspot/deal-${dealId}'`,
  }))
    runs.push(run);
  expect(runs).toHaveLength(1);

  const view = (await (
    await fetch(`${stack.gatewayUrl}/runs/deal-won/hubspot/deal-${dealId}`, {
      headers: apiKeyHeader(stack.config),
    })
  ).json()) as {
    integration: string;
    recordId: string;
    progress: { stepsDone: string[] };
  };
  expect(view).toMatchObject({ integration: 'deal-won', recordId: dealId });
  expect(view.progress.stepsDone).toEqual([
    'read deal',
    'read contact',
    'announce on Slack',
    'look for an invoice already issued',
    'upsert Stripe customer',
    'create draft invoice',
    'add invoice item',
    'finalize invoice',
    'mark deal invoiced',
  ]);
});

test('a deal under the threshold gets no Slack message, but an invoice', async () => {
  const { contactId } = billingContact();
  const dealId = uniqueId();
  await winDeal(dealId, contactId, '500');
  const outcome = await result(dealId);
  expect(outcome).toMatchObject({ outcome: 'invoiced', slack: 'below threshold', amountDue: 50000 });
  expect(invoicesOf(dealId)).toEqual([expect.objectContaining({ status: 'open', amount_due: 50000 })]);
  expect(stack.sandbox.slack.messages.filter((m) => m.text.includes(`Deal ${dealId}`))).toEqual([]);
});

test('a later run for an invoiced deal (a re-run, new idempotency keys) finds the invoice and bills nothing', async () => {
  const { contactId } = billingContact();
  const dealId = uniqueId();
  await winDeal(dealId, contactId, '700');
  const first = await result(dealId);
  expect(first.outcome).toBe('invoiced');
  // HubSpot lost our "invoiced" mark (say the last step of a failed run never wrote it).
  stack.sandbox.hubspot.deals.get(dealId)!.properties.switchboard_invoice_status = '';

  const dealWon = findIntegration('deal-won')!;
  const plan = dealWon.planManual!({ dealId }, stack.config);
  const again = await stack.client.workflow.execute(dealWon.workflow, {
    taskQueue: stack.config.temporal.taskQueue,
    workflowId: `${plan.workflowId}/second-chain`, // another run chain: Stripe keys differ
    args: plan.args,
  });
  expect(again).toMatchObject({ outcome: 'already_invoiced', invoiceId: first.invoiceId });
  expect(invoicesOf(dealId)).toHaveLength(1);
  expect(stack.sandbox.hubspot.deals.get(dealId)!.properties.switchboard_invoice_status).toBe('invoiced');
});

test('a stage change to anything but closed-won starts no run', async () => {
  const dealId = uniqueId();
  stack.sandbox.hubspot.upsertDeal(dealId, { dealstage: 'appointmentscheduled', amount: '900' });
  const reply = await stack.sandbox.hubspot.sendWebhook([
    {
      subscriptionType: 'deal.propertyChange',
      objectId: dealId,
      propertyName: 'dealstage',
      propertyValue: 'contractsent',
    },
  ]);
  expect(reply.body).toMatchObject({ events: [{ status: 'ignored', runs: [] }] });
});

test('saga: invoicing that fails for good is undone, finance is told, the deal is marked failed', async () => {
  const { contactId } = billingContact();
  const dealId = uniqueId();
  const fail = await fetch(`${stack.sandbox.url}/_sandbox/stripe/fail-invoicing`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ preset: 'card_declined', on: 'finalize' }),
  });
  expect(fail.status).toBe(204);
  try {
    await winDeal(dealId, contactId, '42000');
    const outcome = await result(dealId);
    expect(outcome).toMatchObject({
      outcome: 'invoice_failed',
      slack: 'posted',
      error: expect.stringContaining('402: Your card was declined.'),
    });
    expect(outcome.compensations).toEqual([
      expect.stringMatching(/^delete invoice item ii_/),
      expect.stringMatching(/^delete draft invoice in_/),
    ]);
    // Nothing half-done is left in Stripe: no invoice and no stray item for this deal.
    expect(invoicesOf(dealId)).toEqual([]);
    expect(
      [...stack.sandbox.stripe.invoiceItems.values()].filter((i) => i.metadata.hubspot_deal_id === dealId),
    ).toEqual([]);
    const finance = stack.sandbox.slack.messagesIn('#finance').filter((m) => m.text.includes(dealId));
    expect(finance).toHaveLength(1);
    expect(finance[0].text).toContain('Invoicing failed');
    expect(finance[0].text).toContain('Your card was declined.');
    expect(stack.sandbox.hubspot.deals.get(dealId)?.properties.switchboard_invoice_status).toBe('failed');
    // The finalize was not retried: a declined card is final.
    const finalizes = stack.sandbox.recorders.stripe.requests.filter(
      (r) => r.path.endsWith('/finalize') && r.path.includes(outcome.invoiceId ?? '?'),
    );
    expect(finalizes).toHaveLength(1);
    const described = await stack.client.workflow.getHandle(`deal-won/hubspot/deal-${dealId}`).describe();
    expect(described.status.name).toBe('COMPLETED');
  } finally {
    stack.sandbox.stripe.failInvoicing(undefined);
  }
});
