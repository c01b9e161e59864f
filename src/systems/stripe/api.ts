/**
 * Stripe API (https://docs.stripe.com/api): customers, invoices, invoice items, finalize/void/delete.
 * Form-encoded bodies; every write carries an Idempotency-Key the workflow derives from the business
 * record (e.g. `deal-won/123/invoice`), so a retried or repeated call is the same call for Stripe.
 */
import type { HttpClient } from '../../http/client';
import {
  StripeAddress,
  StripeCustomer,
  StripeCustomerInput,
  stripeCustomerSchema,
  stripeDeletedSchema,
  StripeInvoice,
  StripeInvoiceItem,
  StripeInvoiceItemInput,
  stripeInvoiceItemSchema,
  stripeInvoiceSchema,
  stripeListSchema,
} from './schemas';

export interface DraftInvoiceInput {
  customer: string;
  currency: string;
  description?: string;
  daysUntilDue: number;
  metadata?: Record<string, string>;
}

export function createStripeActivities(http: HttpClient) {
  const listCustomersByEmail = (email: string) =>
    http.request('stripe', {
      method: 'GET',
      path: '/v1/customers',
      query: { email, limit: 1 },
      schema: stripeListSchema(stripeCustomerSchema),
    });

  /** Already gone counts as done. */
  const deleteObject = async (path: string) => {
    const res = await http.request('stripe', {
      method: 'DELETE',
      path,
      schema: stripeDeletedSchema,
      nullOn: [404],
      idempotencyKey: false, // DELETE is idempotent by nature; Stripe ignores keys on it
    });
    return { deleted: res !== null };
  };

  return {
    /**
     * Finds the customer by email or creates it. Uses the list filter, not /v1/customers/search: search is
     * eventually consistent (up to a minute), so a customer created moments ago could be created twice.
     */
    async upsertStripeCustomer(input: StripeCustomerInput, idempotencyKey: string): Promise<StripeCustomer> {
      const existing = (await listCustomersByEmail(input.email)).data[0];
      if (existing) {
        return http.request('stripe', {
          method: 'POST',
          path: `/v1/customers/${encodeURIComponent(existing.id)}`,
          form: { name: input.name, phone: input.phone, metadata: input.metadata },
          schema: stripeCustomerSchema,
          idempotencyKey: `${idempotencyKey}/update`,
        });
      }
      return http.request('stripe', {
        method: 'POST',
        path: '/v1/customers',
        form: input,
        schema: stripeCustomerSchema,
        idempotencyKey: `${idempotencyKey}/create`,
      });
    },

    async findStripeCustomerByEmail(email: string): Promise<StripeCustomer | null> {
      return (await listCustomersByEmail(email)).data[0] ?? null;
    },

    async getStripeCustomer(customerId: string): Promise<StripeCustomer | null> {
      return http.request('stripe', {
        method: 'GET',
        path: `/v1/customers/${encodeURIComponent(customerId)}`,
        schema: stripeCustomerSchema,
        nullOn: [404],
      });
    },

    /** `POST /v1/customers/{id}` with the whole address hash (Stripe replaces it as a unit). */
    async updateStripeCustomerAddress(customerId: string, address: StripeAddress): Promise<StripeCustomer> {
      return http.request('stripe', {
        method: 'POST',
        path: `/v1/customers/${encodeURIComponent(customerId)}`,
        form: { address: Object.fromEntries(Object.entries(address).map(([k, v]) => [k, v ?? ''])) },
        schema: stripeCustomerSchema,
      });
    },

    /**
     * The invoice already issued for a deal, if any (Stripe search on the metadata we set): a re-run, or a
     * retry days later when Stripe has forgotten the idempotency keys, finds it instead of billing again.
     * Drafts and void invoices do not count.
     */
    async findStripeInvoiceForDeal(dealId: string): Promise<StripeInvoice | null> {
      const found = await http.request('stripe', {
        method: 'GET',
        path: '/v1/invoices/search',
        query: { query: `metadata['hubspot_deal_id']:'${dealId.replace(/'/g, "\\'")}'` },
        schema: stripeListSchema(stripeInvoiceSchema),
      });
      return found.data.find((i) => i.status !== 'draft' && i.status !== 'void') ?? null;
    },

    /**
     * A draft invoice, created before its items: items are then attached to this invoice explicitly, so a
     * customer's other pending items (another deal in flight) can never be swept into it.
     */
    async createStripeDraftInvoice(input: DraftInvoiceInput, idempotencyKey: string): Promise<StripeInvoice> {
      return http.request('stripe', {
        method: 'POST',
        path: '/v1/invoices',
        form: {
          customer: input.customer,
          currency: input.currency,
          collection_method: 'send_invoice',
          days_until_due: input.daysUntilDue,
          auto_advance: false,
          pending_invoice_items_behavior: 'exclude',
          description: input.description,
          metadata: input.metadata,
        },
        schema: stripeInvoiceSchema,
        idempotencyKey,
      });
    },

    async createStripeInvoiceItem(
      customer: string,
      invoice: string,
      item: StripeInvoiceItemInput,
      idempotencyKey: string,
    ): Promise<StripeInvoiceItem> {
      return http.request('stripe', {
        method: 'POST',
        path: '/v1/invoiceitems',
        form: { customer, invoice, ...item },
        schema: stripeInvoiceItemSchema,
        idempotencyKey,
      });
    },

    /** Draft → open: the invoice gets its number and becomes payable. */
    async finalizeStripeInvoice(invoiceId: string, idempotencyKey: string): Promise<StripeInvoice> {
      return http.request('stripe', {
        method: 'POST',
        path: `/v1/invoices/${encodeURIComponent(invoiceId)}/finalize`,
        form: { auto_advance: false },
        schema: stripeInvoiceSchema,
        idempotencyKey,
      });
    },

    /** Compensation for a draft: Stripe only deletes drafts; already gone counts as done. */
    async deleteStripeDraftInvoice(invoiceId: string): Promise<{ deleted: boolean }> {
      return deleteObject(`/v1/invoices/${encodeURIComponent(invoiceId)}`);
    },

    /** Compensation for an item not (or no longer) on a finalized invoice. */
    async deleteStripeInvoiceItem(itemId: string): Promise<{ deleted: boolean }> {
      return deleteObject(`/v1/invoiceitems/${encodeURIComponent(itemId)}`);
    },

    /** Compensation for a finalized (open) invoice: voiding keeps the numbered record, as accounting needs. */
    async voidStripeInvoice(invoiceId: string, idempotencyKey: string): Promise<StripeInvoice> {
      return http.request('stripe', {
        method: 'POST',
        path: `/v1/invoices/${encodeURIComponent(invoiceId)}/void`,
        schema: stripeInvoiceSchema,
        idempotencyKey,
      });
    },
  };
}
