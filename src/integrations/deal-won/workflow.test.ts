/** deal-won's branches with stubbed HubSpot, Slack and Stripe: invoice, Slack threshold, the saga. */
import { refusing, useWorkflowHarness } from '../../../test/helpers/workflowHarness';
import type { ActivityStubs, WorkflowRun } from '../../../test/helpers/workflowHarness';
import { dealWon, DealWonInput } from './workflow';

const harness = useWorkflowHarness();

const INPUT: DealWonInput = {
  dealId: '7',
  slackChannel: '#wins',
  slackThreshold: 10_000,
  financeChannel: '#finance',
  currency: 'usd',
  daysUntilDue: 30,
  wonStages: ['closedwon'],
};

function stubs(deal: { dealstage?: string; amount?: string } = {}): ActivityStubs {
  return {
    getHubspotDeal: async (dealId) => ({
      id: dealId,
      properties: { dealname: 'Big deal', dealstage: 'closedwon', amount: '25000.50', ...deal },
      associations: { contacts: { results: [{ id: 'c1' }] } },
    }),
    getHubspotContact: async (id) => ({
      id,
      properties: { email: 'Buyer@Example.com', firstname: 'Ada', lastname: 'Lovelace', company: 'AE Ltd' },
    }),
    postSlackMessage: async ({ channel }) => ({ channel, ts: '1.0' }),
    findStripeInvoiceForDeal: async () => null,
    upsertStripeCustomer: async () => ({ id: 'cus_1' }),
    createStripeDraftInvoice: async () => ({ id: 'in_1' }),
    createStripeInvoiceItem: async () => ({ id: 'ii_1' }),
    finalizeStripeInvoice: async (id) => ({ id, number: 'INV-1', amount_due: 2_500_050 }),
    voidStripeInvoiceIfFinalized: async () => ({ voided: false, status: 'draft' }),
    deleteStripeInvoiceItem: async () => ({ deleted: true }),
    deleteStripeDraftInvoice: async () => ({ deleted: true }),
    updateHubspotDeal: async (id) => ({ id, properties: {} }),
  };
}

let n = 0;
const execute = (run: WorkflowRun, input: Partial<DealWonInput> = {}) =>
  run.client.workflow.execute(dealWon, {
    taskQueue: run.taskQueue,
    workflowId: `deal-won/hubspot/deal-7-${++n}`,
    args: [{ ...INPUT, ...input }],
  });

const STRIPE_WRITES = ['upsertStripeCustomer', 'createStripeDraftInvoice', 'createStripeInvoiceItem'];
const stripeCalls = (run: WorkflowRun) => run.names().filter((name) => name.includes('Stripe'));

test('a won deal is announced on Slack and invoiced: customer, draft, item, finalize, deal marked', () =>
  harness.run(stubs(), async (run) => {
    await expect(execute(run)).resolves.toEqual({
      dealId: '7',
      outcome: 'invoiced',
      slack: 'posted',
      customerId: 'cus_1',
      invoiceId: 'in_1',
      invoiceNumber: 'INV-1',
      amountDue: 2_500_050,
      compensations: [],
    });
    expect(run.argsOf('postSlackMessage')).toEqual([
      [
        {
          channel: '#wins',
          text: expect.stringContaining('*Big deal* — USD 25,000.50 (Ada Lovelace, AE Ltd)'),
        },
      ],
    ]);
    expect(stripeCalls(run)).toEqual(['findStripeInvoiceForDeal', ...STRIPE_WRITES, 'finalizeStripeInvoice']);
    const [[customer, customerKey]] = run.argsOf('upsertStripeCustomer');
    expect(customer).toEqual({
      email: 'buyer@example.com',
      name: 'Ada Lovelace',
      metadata: { company: 'AE Ltd', hubspot_contact_id: 'c1' },
    });
    expect(customerKey).toMatch(/^deal-won\/7\/[0-9a-f-]{8}\/customer$/);
    expect(run.argsOf('createStripeDraftInvoice')[0][0]).toMatchObject({
      customer: 'cus_1',
      currency: 'usd',
      daysUntilDue: 30,
    });
    expect(run.argsOf('createStripeInvoiceItem')).toEqual([
      [
        'cus_1',
        'in_1',
        { amount: 2_500_050, currency: 'usd', description: 'Big deal', metadata: { hubspot_deal_id: '7' } },
        expect.stringMatching(/^deal-won\/7\/.{8}\/item-1$/),
      ],
    ]);
    expect(run.argsOf('updateHubspotDeal')).toEqual([
      ['7', { switchboard_invoice_status: 'invoiced', switchboard_invoice_id: 'in_1' }],
    ]);
  }));

test('a deal no longer in a won stage is left alone', () =>
  harness.run(stubs({ dealstage: 'contractsent' }), async (run) => {
    await expect(execute(run)).resolves.toMatchObject({ outcome: 'not_won', slack: 'not sent' });
    expect(run.names()).toEqual(['getHubspotDeal']);
  }));

test('a deal below the Slack threshold is invoiced without an announcement', () =>
  harness.run(stubs({ amount: '500' }), async (run) => {
    await expect(execute(run)).resolves.toMatchObject({ outcome: 'invoiced', slack: 'below threshold' });
    expect(run.names()).not.toContain('postSlackMessage');
  }));

test('a Slack failure never stops the invoice', () =>
  harness.run({ ...stubs(), postSlackMessage: refusing('channel_not_found') }, async (run) => {
    await expect(execute(run)).resolves.toMatchObject({
      outcome: 'invoiced',
      slack: expect.stringMatching(/^failed: .*channel_not_found/),
    });
  }));

test('finalize failing for good: the item and draft are deleted, finance told, the deal marked failed', () =>
  harness.run({ ...stubs(), finalizeStripeInvoice: refusing('tax settings incomplete') }, async (run) => {
    const result = await execute(run);
    expect(result).toMatchObject({
      outcome: 'invoice_failed',
      slack: 'posted',
      invoiceId: 'in_1',
      error: expect.stringContaining('tax settings incomplete'),
      compensations: ['delete invoice item ii_1', 'delete draft invoice in_1'],
    });
    expect(run.argsOf('deleteStripeInvoiceItem')).toEqual([['ii_1']]);
    expect(run.argsOf('deleteStripeDraftInvoice')).toEqual([['in_1']]);
    const [, [financeMessage]] = run.argsOf('postSlackMessage') as [
      unknown,
      [{ channel: string; text: string }],
    ];
    expect(financeMessage.channel).toBe('#finance');
    expect(financeMessage.text).toMatch(
      /Invoicing failed .*tax settings incomplete.*Undone: delete invoice item/,
    );
    expect(run.argsOf('updateHubspotDeal')).toEqual([['7', { switchboard_invoice_status: 'failed' }]]);
    // A business outcome handed to finance, not a broken run: no run-failure alert.
    expect(run.names()).not.toContain('raiseRunFailureAlert');
  }));

test('a finalize that failed but happened all the same (answer lost): the invoice is voided, not deleted', () =>
  harness.run(
    {
      ...stubs(),
      finalizeStripeInvoice: refusing('connection reset'),
      voidStripeInvoiceIfFinalized: async () => ({ voided: true, status: 'void' }),
    },
    async (run) => {
      await expect(execute(run)).resolves.toMatchObject({
        outcome: 'invoice_failed',
        compensations: ['void invoice in_1'],
      });
      const [[invoiceId, key]] = run.argsOf('voidStripeInvoiceIfFinalized') as [[string, string]];
      expect(invoiceId).toBe('in_1');
      expect(key).toMatch(/^deal-won\/7\/.+\/void$/);
      expect(run.names()).not.toContain('deleteStripeInvoiceItem');
      expect(run.names()).not.toContain('deleteStripeDraftInvoice');
    },
  ));

const WON_AT = Date.parse('2025-03-02T10:00:00.000Z');
const invoicedDeal = (wonAt: string) => ({
  getHubspotDeal: async (dealId: string) => ({
    id: dealId,
    properties: {
      dealname: 'Big deal',
      dealstage: 'closedwon',
      amount: '25000.50',
      switchboard_invoice_status: 'invoiced',
      switchboard_invoice_id: 'in_0',
      switchboard_won_at: wonAt,
    },
    associations: { contacts: { results: [{ id: 'c1' }] } },
  }),
});

test('won again after the invoiced win: announced as won again, never billed again', () =>
  harness.run({ ...stubs(), ...invoicedDeal('2025-03-01T09:00:00.000Z') }, async (run) => {
    await expect(execute(run, { wonAt: WON_AT })).resolves.toMatchObject({
      outcome: 'already_invoiced',
      wonAgain: true,
      invoiceId: 'in_0',
      slack: 'posted',
    });
    expect(stripeCalls(run)).toEqual([]);
    const [[{ text }]] = run.argsOf('postSlackMessage') as [[{ text: string }]];
    expect(text).toMatch(/^:trophy: Deal won again: \*Big deal\*.*already invoiced \(in_0\)/);
    expect(run.argsOf('updateHubspotDeal')).toEqual([
      ['7', { switchboard_won_at: '2025-03-02T10:00:00.000Z' }],
    ]);
  }));

test('the same win delivered again after its run closed: nothing announced, nothing billed', () =>
  harness.run({ ...stubs(), ...invoicedDeal('2025-03-02T10:00:00.000Z') }, async (run) => {
    const result = await execute(run, { wonAt: WON_AT });
    expect(result).toMatchObject({ outcome: 'already_invoiced', slack: 'not sent' });
    expect(result.wonAgain).toBeUndefined();
    expect(run.names()).toEqual(['getHubspotDeal']);
  }));

test('a win is recorded on the deal with the invoice, so its redelivery is known', () =>
  harness.run(stubs(), async (run) => {
    await expect(execute(run, { wonAt: WON_AT })).resolves.toMatchObject({ outcome: 'invoiced' });
    expect(run.argsOf('updateHubspotDeal')).toEqual([
      [
        '7',
        {
          switchboard_invoice_status: 'invoiced',
          switchboard_invoice_id: 'in_1',
          switchboard_won_at: '2025-03-02T10:00:00.000Z',
        },
      ],
    ]);
  }));

test('an invoice Stripe already has for the deal is not issued again', () =>
  harness.run(
    {
      ...stubs(),
      findStripeInvoiceForDeal: async () => ({
        id: 'in_0',
        customer: 'cus_0',
        number: 'INV-0',
        amount_due: 1,
      }),
    },
    async (run) => {
      await expect(execute(run)).resolves.toMatchObject({
        outcome: 'already_invoiced',
        invoiceId: 'in_0',
        customerId: 'cus_0',
      });
      expect(stripeCalls(run)).toEqual(['findStripeInvoiceForDeal']);
      expect(run.argsOf('updateHubspotDeal')).toEqual([
        ['7', { switchboard_invoice_status: 'invoiced', switchboard_invoice_id: 'in_0' }],
      ]);
    },
  ));
