import { z } from 'zod';
import type { Config } from '../../config';
import { DEAL_TO_STRIPE_CUSTOMER, DEAL_TO_STRIPE_INVOICE_ITEM } from './mapping';
import { dealWon, type DealWonInput } from './workflow';
import { defineIntegration, type StartPlan } from '../kit/types';

function dealPlan(dealId: string, config: Config, wonAt?: number): StartPlan<typeof dealWon> {
  const { slackChannel, slackThreshold, financeChannel, currency, daysUntilDue, wonStages } = config.dealWon;
  const input: DealWonInput = {
    dealId,
    slackChannel,
    slackThreshold,
    financeChannel,
    currency,
    daysUntilDue,
    wonStages,
    ...(wonAt === undefined ? {} : { wonAt }),
  };
  return {
    mode: 'start',
    // One run per deal at a time: HubSpot's retries while it runs are duplicates of this id. A closed run
    // never blocks a later one (a real win after a run that found the deal not won, a deal won again):
    // the run itself makes a repeat harmless (the deal's invoice is looked up before billing).
    workflowId: `deal-won/hubspot/deal-${dealId}`,
    afterClose: 'allow',
    recordId: dealId,
    args: [input],
    summary: `Won deal ${dealId}: announce and invoice`,
  };
}

export const dealWonIntegration = defineIntegration({
  id: 'deal-won',
  title: 'Won CRM deal → chat announcement + accounting invoice',
  description:
    'When a HubSpot deal moves to closed-won: posts to Slack if the amount reaches DEAL_WON_SLACK_THRESHOLD, ' +
    'and invoices every won deal in Stripe (customer upserted by email, draft invoice, the deal as invoice ' +
    'item, finalized) exactly once. If invoicing fails for good, what was created is undone, the finance ' +
    'channel is told and the deal is marked switchboard_invoice_status=failed in HubSpot. A deal won again ' +
    '(after being moved back) is announced as won again and not billed twice.',
  workflow: dealWon,
  triggers: {
    webhooks: [{ source: 'hubspot', eventTypes: ['deal.propertyChange'] }],
    manual: true,
  },
  accepts(event, config) {
    const e = event.payload as { propertyName?: unknown; propertyValue?: unknown } | undefined;
    const stages = config?.dealWon.wonStages ?? ['closedwon'];
    return (
      e?.propertyName === 'dealstage' &&
      typeof e.propertyValue === 'string' &&
      stages.includes(e.propertyValue)
    );
  },
  from: { system: 'hubspot', records: 'deals (+ associated contact)' },
  to: [
    { system: 'slack', records: 'channel messages' },
    { system: 'stripe', records: 'customers, invoices, invoice items' },
  ],
  direction: 'fan-out',
  frequency: 'real time: one run per deal, when its stage becomes closed-won',
  fieldMaps: {
    'won deal (+ contact) → stripe customer': DEAL_TO_STRIPE_CUSTOMER,
    'won deal → stripe invoice item (amount in minor units)': DEAL_TO_STRIPE_INVOICE_ITEM,
  },
  planFor(event, config) {
    return dealPlan(event.recordId ?? '', config, event.occurredAt);
  },
  manualInput: z.object({ dealId: z.string().regex(/^\d+$/, 'a HubSpot deal id (digits)') }),
  planManual(input, config) {
    return dealPlan((input as { dealId: string }).dealId, config);
  },
});
