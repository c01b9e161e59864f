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
  stripeCustomerVersion,
} from './schemas';

export interface DraftInvoiceInput {
  customer: string;
  currency: string;
  description?: string;
  daysUntilDue: number;
  metadata?: Record<string, string>;
}

/** Stripe's search query string literal: quoted, with `'` and `\` escaped, so a value stays a value. */
export const stripeSearchValue = (value: string) => `'${value.replace(/[\\']/g, (c) => `\\${c}`)}'`;

/** Emails are compared as one customer whatever their case (and surrounding spaces). */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export function createStripeActivities(http: HttpClient) {
  /**
   * The customer for an email, whatever its case: Stripe's search (case-insensitive, but eventually
   * consistent — a customer created in the last minute may not show yet) together with the list filter on
   * the normalised email (exact case, but read-after-write: finds what Switchboard itself just created, as
   * it always creates with the normalised email). Of several, the first created is the customer.
   */
  const findCustomerByEmail = async (email: string): Promise<StripeCustomer | null> => {
    const normalised = normaliseEmail(email);
    const [searched, listed] = await Promise.all([
      http.request('stripe', {
        method: 'GET',
        path: '/v1/customers/search',
        query: { query: `email:${stripeSearchValue(normalised)}`, limit: 100 },
        schema: stripeListSchema(stripeCustomerSchema),
      }),
      http.request('stripe', {
        method: 'GET',
        path: '/v1/customers',
        query: { email: normalised, limit: 100 },
        schema: stripeListSchema(stripeCustomerSchema),
      }),
    ]);
    const candidates = [...searched.data, ...listed.data].filter(
      (c) => c.email !== null && normaliseEmail(c.email) === normalised,
    );
    return (
      candidates.sort((a, b) => (a.created ?? 0) - (b.created ?? 0) || a.id.localeCompare(b.id))[0] ?? null
    );
  };

  const voidInvoice = (invoiceId: string, idempotencyKey: string) =>
    http.request('stripe', {
      method: 'POST',
      path: `/v1/invoices/${encodeURIComponent(invoiceId)}/void`,
      // No parameters, but a form all the same: Stripe's contract wants its content type on every POST.
      form: {},
      schema: stripeInvoiceSchema,
      idempotencyKey,
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
     * Finds the customer by email, whatever its case (`Ada@Example.com` is `ada@example.com`), or creates
     * it with the normalised email.
     */
    async upsertStripeCustomer(input: StripeCustomerInput, idempotencyKey: string): Promise<StripeCustomer> {
      const existing = await findCustomerByEmail(input.email);
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
        form: { ...input, email: normaliseEmail(input.email) },
        schema: stripeCustomerSchema,
        idempotencyKey: `${idempotencyKey}/create`,
      });
    },

    async findStripeCustomerByEmail(email: string): Promise<StripeCustomer | null> {
      return findCustomerByEmail(email);
    },

    async getStripeCustomer(customerId: string): Promise<StripeCustomer | null> {
      return http.request('stripe', {
        method: 'GET',
        path: `/v1/customers/${encodeURIComponent(customerId)}`,
        schema: stripeCustomerSchema,
        nullOn: [404],
      });
    },

    /**
     * `POST /v1/customers/{id}` with the whole address hash (Stripe replaces it as a unit), and the given
     * metadata keys in the same write (Stripe merges metadata: other keys stay). With `unlessChangedFrom`
     * (stripeCustomerVersion of the customer as the caller read it), the customer is read again first and
     * nothing is written if it changed meanwhile — someone's newer edit stays — and the answer is null.
     */
    async updateStripeCustomerAddress(
      customerId: string,
      address: StripeAddress,
      metadata?: Record<string, string>,
      unlessChangedFrom?: string,
    ): Promise<StripeCustomer | null> {
      if (unlessChangedFrom !== undefined) {
        const current = await http.request('stripe', {
          method: 'GET',
          path: `/v1/customers/${encodeURIComponent(customerId)}`,
          schema: stripeCustomerSchema,
          nullOn: [404],
        });
        if (!current || stripeCustomerVersion(current) !== unlessChangedFrom) return null;
      }
      return http.request('stripe', {
        method: 'POST',
        path: `/v1/customers/${encodeURIComponent(customerId)}`,
        form: {
          address: Object.fromEntries(Object.entries(address).map(([k, v]) => [k, v ?? ''])),
          ...(metadata ? { metadata } : {}),
        },
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
      return voidInvoice(invoiceId, idempotencyKey);
    },

    /**
     * Compensation after a finalize that reported a failure: it may have happened all the same (its answer
     * lost). A finalized invoice cannot be deleted, only voided; a draft is left to the deletions.
     */
    async voidStripeInvoiceIfFinalized(
      invoiceId: string,
      idempotencyKey: string,
    ): Promise<{ voided: boolean; status: StripeInvoice['status'] | 'deleted' }> {
      const invoice = await http.request('stripe', {
        method: 'GET',
        path: `/v1/invoices/${encodeURIComponent(invoiceId)}`,
        schema: stripeInvoiceSchema,
        nullOn: [404],
      });
      if (!invoice) return { voided: false, status: 'deleted' };
      if (invoice.status === 'void') return { voided: true, status: 'void' };
      if (invoice.status !== 'open' && invoice.status !== 'uncollectible')
        return { voided: false, status: invoice.status };
      return { voided: true, status: (await voidInvoice(invoiceId, idempotencyKey)).status };
    },
  };
}
