/**
 * deal-won (CRM → chat + accounting): a HubSpot deal moved to a won stage is announced on Slack when its
 * amount reaches the threshold, and every won deal becomes a finalized Stripe invoice (customer upserted
 * by email, a draft invoice, the deal as its invoice item, finalize).
 *
 * Exactly once: one run per deal at a time (`deal-won/hubspot/deal-<id>`: a delivery while it is open is a
 * duplicate), every Stripe write carries an Idempotency-Key derived from the deal and this run chain (so a
 * retried call is the same call), and a deal HubSpot shows as invoiced — or whose invoice Stripe already
 * has — is never invoiced again. A closed run does not block a later one: a deal read back as not won may
 * be won for real later, and a deal won, moved back and won again is announced as "won again" (not
 * billed). The win a run acted on is kept on the deal (`switchboard_won_at`), so a redelivery of that same
 * win, after its run closed, is recognised and does nothing.
 *
 * Saga: if invoicing fails for good, what was created is undone (draft invoice and its item deleted — or
 * the invoice voided, if the finalize happened although its call failed; the customer is kept, it is a
 * real customer), the finance channel is told on Slack and the deal is marked
 * `switchboard_invoice_status=failed` in HubSpot. The run then COMPLETES with outcome `invoice_failed`:
 * the failure is a business outcome already handed to the people who own it (finance, via Slack and the
 * CRM), not a broken run; failing it would page operators for something only finance can fix. The run
 * fails (and raises the standard alert) only if the saga itself cannot finish, e.g. HubSpot is down for good.
 */
import { ActivityFailure, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../systems/activities';
import type { HubspotContact, HubspotDeal } from '../../systems/hubspot/schemas';
import { mapWonDealToStripe, wonDealOf, WonDeal } from './mapping';
import { activityOptionsFor } from '../../systems/index';
import { alertOnFailure, describeError } from '../kit/failureAlert';
import { trackProgress } from '../kit/progress';

export interface DealWonInput {
  dealId: string;
  slackChannel: string;
  slackThreshold: number;
  financeChannel: string;
  currency: string;
  daysUntilDue: number;
  wonStages: string[];
  /**
   * When HubSpot says the deal was won (the webhook event's time, ms). A win later than the one the deal
   * was last announced for (`switchboard_won_at`) is a deal won again; the same time is a redelivery.
   */
  wonAt?: number;
}

export type DealWonOutcome =
  | 'invoiced'
  | 'invoice_failed'
  | 'not_won'
  | 'deal_not_found'
  | 'already_invoiced';

export interface DealWonResult {
  dealId: string;
  outcome: DealWonOutcome;
  slack: 'posted' | 'below threshold' | 'not sent' | `failed: ${string}`;
  customerId?: string;
  invoiceId?: string;
  invoiceNumber?: string;
  amountDue?: number;
  /** The deal had been won (and announced) before, then moved out of its won stage, and won again. */
  wonAgain?: boolean;
  error?: string;
  compensations: string[];
}

const hubspot = proxyActivities<
  Pick<Activities, 'getHubspotDeal' | 'getHubspotContact' | 'updateHubspotDeal'>
>(activityOptionsFor('hubspot'));
const slack = proxyActivities<Pick<Activities, 'postSlackMessage'>>(activityOptionsFor('slack'));
const stripe = proxyActivities<
  Pick<
    Activities,
    | 'findStripeInvoiceForDeal'
    | 'upsertStripeCustomer'
    | 'createStripeDraftInvoice'
    | 'createStripeInvoiceItem'
    | 'finalizeStripeInvoice'
    | 'voidStripeInvoiceIfFinalized'
    | 'deleteStripeDraftInvoice'
    | 'deleteStripeInvoiceItem'
  >
>(activityOptionsFor('stripe'));

export async function dealWon(input: DealWonInput): Promise<DealWonResult> {
  const result: DealWonResult = {
    dealId: input.dealId,
    outcome: 'not_won',
    slack: 'not sent',
    compensations: [],
  };
  const progress = trackProgress('deal-won', result as unknown as Record<string, unknown>);
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    progress.stage = name;
    const value = await run();
    progress.step(name);
    return value;
  };

  return alertOnFailure(progress, input.dealId, async () => {
    const deal = await step('read deal', () =>
      hubspot.getHubspotDeal.executeWithOptions({ summary: `Read HubSpot deal ${input.dealId}` }, [
        input.dealId,
      ]),
    );
    // The webhook said "won"; HubSpot now is the truth (the deal may have moved on, or been deleted).
    if (!deal) return finish('deal_not_found');
    if (!input.wonStages.includes(deal.properties.dealstage ?? '')) return finish('not_won');
    // Won before (and announced), moved out of its won stage, and won again: said so, never billed twice.
    const previousWin = Date.parse(deal.properties.switchboard_won_at ?? '');
    const wonAgain = input.wonAt !== undefined && Number.isFinite(previousWin) && previousWin < input.wonAt;
    if (deal.properties.switchboard_invoice_status === 'invoiced') {
      // Added after runs were recorded (a closed run used to block every later one of the same deal).
      if (wonAgain && patched('deal-won-won-again')) {
        result.invoiceId = deal.properties.switchboard_invoice_id ?? undefined;
        const won = wonDealOf(deal, await readContact(deal), input.currency);
        await announce(won, true);
        await step('record the win', () =>
          hubspot.updateHubspotDeal.executeWithOptions(
            { summary: `Record in HubSpot that deal ${won.dealId} was won again` },
            [input.dealId, winProperties()],
          ),
        );
      }
      return finish('already_invoiced');
    }

    const won = wonDealOf(deal, await readContact(deal), input.currency);
    await announce(won, wonAgain);
    return invoice(won);
  });

  async function readContact(deal: HubspotDeal): Promise<HubspotContact | null> {
    const contactId = deal.associations?.contacts?.results[0]?.id;
    return contactId
      ? await step('read contact', () =>
          hubspot.getHubspotContact.executeWithOptions(
            { summary: `Read HubSpot contact ${contactId} (billing contact of deal ${input.dealId})` },
            [contactId],
          ),
        )
      : null;
  }

  /** The win this run acted on, kept on the deal: a later delivery of the same win is no new win. */
  function winProperties(): Record<string, string> {
    return input.wonAt === undefined ? {} : { switchboard_won_at: new Date(input.wonAt).toISOString() };
  }

  function finish(outcome: DealWonOutcome): DealWonResult {
    result.outcome = outcome;
    progress.stage = 'completed';
    return result;
  }

  /** A chat message is a courtesy: its failure is recorded, never allowed to stop the invoice. */
  async function announce(won: WonDeal, again: boolean): Promise<void> {
    if (again) result.wonAgain = true;
    const amount = Number(won.amount);
    if (!(Number.isFinite(amount) && amount >= input.slackThreshold)) {
      result.slack = 'below threshold';
      return;
    }
    try {
      await step('announce on Slack', () =>
        slack.postSlackMessage.executeWithOptions(
          { summary: `Announce deal ${won.dealId} on ${input.slackChannel}` },
          [
            {
              channel: input.slackChannel,
              text:
                `:trophy: Deal ${again ? 'won again' : 'won'}: *${won.dealname ?? `deal ${won.dealId}`}* — ` +
                money(amount, won.currency) +
                (won.fullName || won.company
                  ? ` (${[won.fullName, won.company].filter(Boolean).join(', ')})`
                  : '') +
                (again && result.invoiceId
                  ? ` — already invoiced (${result.invoiceId}), not billed again`
                  : ''),
            },
          ],
        ),
      );
      result.slack = 'posted';
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      result.slack = `failed: ${describeError(err)}`;
    }
  }

  async function invoice(won: WonDeal): Promise<DealWonResult> {
    // Keys are per deal and per run chain: retries are the same call. A re-run (or a retry after Stripe
    // has forgotten its keys, 24 h) is caught by the lookup below instead.
    const keyPrefix = `deal-won/${input.dealId}/${workflowInfo().firstExecutionRunId.slice(0, 8)}`;
    const key = (what: string) => `${keyPrefix}/${what}`;
    const mapped = mapWonDealToStripe(won);
    if (!mapped.ok) return invoiceFailed(won, `cannot invoice: ${mapped.reason}`, []);

    // Added after runs were recorded: patched() keeps those histories replaying as they ran.
    if (patched('deal-won-existing-invoice-lookup')) {
      const existing = await step('look for an invoice already issued', () =>
        stripe.findStripeInvoiceForDeal.executeWithOptions(
          { summary: `Look in Stripe for an invoice already issued for deal ${won.dealId}` },
          [won.dealId],
        ),
      );
      if (existing) {
        result.customerId = existing.customer;
        result.invoiceId = existing.id;
        result.invoiceNumber = existing.number ?? undefined;
        result.amountDue = existing.amount_due;
        await markInvoiced(won);
        return finish('already_invoiced');
      }
    }

    const compensations: Compensation[] = [];
    let finalizing: string | undefined;
    try {
      const customer = await step('upsert Stripe customer', () =>
        stripe.upsertStripeCustomer.executeWithOptions(
          { summary: `Find or create the Stripe customer for deal ${won.dealId}` },
          [mapped.customer, key('customer')],
        ),
      );
      result.customerId = customer.id;
      const draft = await step('create draft invoice', () =>
        stripe.createStripeDraftInvoice.executeWithOptions(
          { summary: `Create a draft invoice for deal ${won.dealId}` },
          [
            {
              customer: customer.id,
              currency: mapped.item.currency,
              daysUntilDue: input.daysUntilDue,
              description: won.dealname,
              metadata: { hubspot_deal_id: won.dealId },
            },
            key('invoice'),
          ],
        ),
      );
      result.invoiceId = draft.id;
      compensations.unshift({
        what: `delete draft invoice ${draft.id}`,
        run: () =>
          stripe.deleteStripeDraftInvoice.executeWithOptions(
            { summary: `Compensate: delete draft ${draft.id}` },
            [draft.id],
          ),
      });
      const item = await step('add invoice item', () =>
        stripe.createStripeInvoiceItem.executeWithOptions(
          { summary: `Add deal ${won.dealId} as an invoice item` },
          [customer.id, draft.id, mapped.item, key('item-1')],
        ),
      );
      compensations.unshift({
        what: `delete invoice item ${item.id}`,
        run: () =>
          stripe.deleteStripeInvoiceItem.executeWithOptions(
            { summary: `Compensate: delete item ${item.id}` },
            [item.id],
          ),
      });
      finalizing = draft.id;
      const open = await step('finalize invoice', () =>
        stripe.finalizeStripeInvoice.executeWithOptions(
          { summary: `Finalize invoice ${draft.id} for deal ${won.dealId}` },
          [draft.id, key('finalize')],
        ),
      );
      result.invoiceNumber = open.number ?? undefined;
      result.amountDue = open.amount_due;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      // A finalize that reported a failure may still have happened (its answer lost): a finalized invoice
      // cannot be deleted, only voided. Added after runs were recorded, hence patched().
      const invoiceId = finalizing;
      if (invoiceId && patched('deal-won-void-finalized')) {
        compensations.unshift({
          what: `void invoice ${invoiceId}`,
          run: async () => {
            const { voided } = await stripe.voidStripeInvoiceIfFinalized.executeWithOptions(
              { summary: `Compensate: void invoice ${invoiceId} if the failed finalize happened after all` },
              [invoiceId, key('void')],
            );
            // Voided: the invoice and its item stay as Stripe's record, so there is nothing left to delete.
            return voided ? 'undone' : 'nothing to undo';
          },
        });
      }
      return invoiceFailed(won, describeError(err), compensations);
    }

    await markInvoiced(won);
    return finish('invoiced');
  }

  async function markInvoiced(won: WonDeal): Promise<void> {
    await step('mark deal invoiced', () =>
      hubspot.updateHubspotDeal.executeWithOptions(
        { summary: `Mark deal ${won.dealId} invoiced in HubSpot` },
        [
          input.dealId,
          {
            switchboard_invoice_status: 'invoiced',
            switchboard_invoice_id: result.invoiceId ?? '',
            ...winProperties(),
          },
        ],
      ),
    );
  }

  async function invoiceFailed(
    won: WonDeal,
    error: string,
    compensations: Compensation[],
  ): Promise<DealWonResult> {
    result.error = error;
    progress.lastError = error;
    for (const c of compensations) {
      try {
        const outcome = await step(`compensate: ${c.what}`, c.run);
        if (outcome === 'nothing to undo') continue;
        result.compensations.push(c.what);
        if (outcome === 'undone') break;
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        result.compensations.push(`${c.what} FAILED: ${describeError(err)}`);
      }
    }
    const undone = result.compensations.length ? ` Undone: ${result.compensations.join('; ')}.` : '';
    try {
      await step('tell finance', () =>
        slack.postSlackMessage.executeWithOptions(
          { summary: `Tell ${input.financeChannel} that invoicing deal ${won.dealId} failed` },
          [
            {
              channel: input.financeChannel,
              text:
                `:warning: Invoicing failed for won deal *${won.dealname ?? won.dealId}* (HubSpot deal ${won.dealId}` +
                `${won.amount ? `, ${money(Number(won.amount), won.currency)}` : ''}): ${error}.${undone} ` +
                'The deal is marked switchboard_invoice_status=failed in HubSpot; please invoice it by hand.',
            },
          ],
        ),
      );
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      result.slack = `failed: ${describeError(err)}`;
    }
    await step('mark deal invoice failed', () =>
      hubspot.updateHubspotDeal.executeWithOptions(
        { summary: `Mark deal ${won.dealId} invoice failed in HubSpot` },
        [input.dealId, { switchboard_invoice_status: 'failed', ...winProperties() }],
      ),
    );
    return finish('invoice_failed');
  }
}

/**
 * One step of the saga's undo. Its outcome: 'undone' — nothing else is left to undo (the later ones are
 * skipped); 'nothing to undo' — not listed among what was undone; anything else — done, listed.
 */
interface Compensation {
  what: string;
  run: () => Promise<unknown>;
}

function money(amount: number, currency: string): string {
  return `${currency.toUpperCase()} ${amount.toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
}
