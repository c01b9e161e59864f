/**
 * Stripe's shapes (https://docs.stripe.com/api), declared once: webhook events, customers, invoices and
 * invoice items, and the bodies Switchboard writes. Pure zod: the webhook parser, the connector and the
 * deal-won mapping (inside workflows) all read them here.
 */
import { z } from 'zod';

/**
 * A Stripe id: `evt_…`, `cus_…`, `cs_test_…`, and the few that carry no prefix (the custom ids of products,
 * plans and coupons, capabilities such as `transfers`, report types such as `balance.summary.1`). Stripe may
 * change the format of its ids without notice, but says they never exceed 255 characters
 * (https://docs.stripe.com/upgrades#what-changes-does-stripe-consider-to-be-backward-compatible): ASCII
 * letters, digits, `_`, `.` and `-`, at most 255, so an object id fits a workflow id
 * (`address-propagation/stripe/<id>`) well inside Temporal's 1,000 bytes.
 */
export const stripeIdSchema = (what: string) => {
  const error = `${what} (a Stripe id: 1–255 letters, digits, _ . -)`;
  return z.string({ error }).regex(/^[A-Za-z0-9_.-]{1,255}$/, { error });
};

/** `{id, type, created, data: {object, previous_attributes}}`, one event per webhook request. */
export const stripeEventSchema = z
  .object({
    id: stripeIdSchema('a Stripe event id'),
    type: z.string().min(1),
    created: z.number(),
    data: z
      .object({
        // The object's id, or else its customer's, is the event's record: it names the workflow.
        object: z
          .object({
            id: stripeIdSchema('a Stripe object id').optional(),
            customer: z
              .union([
                stripeIdSchema('a Stripe customer id'),
                z.object({ id: stripeIdSchema('a Stripe customer id') }).loose(),
              ])
              .nullish(),
          })
          .loose(),
        previous_attributes: z.record(z.string(), z.unknown()).optional(),
      })
      .loose(),
  })
  .loose();
export type StripeEvent = z.output<typeof stripeEventSchema>;

export const stripeAddressSchema = z.object({
  line1: z.string().nullish(),
  line2: z.string().nullish(),
  city: z.string().nullish(),
  state: z.string().nullish(),
  postal_code: z.string().nullish(),
  country: z.string().nullish(),
});
export type StripeAddress = z.infer<typeof stripeAddressSchema>;

export const stripeCustomerSchema = z
  .object({
    id: z.string(),
    object: z.literal('customer'),
    email: z.string().nullable(),
    name: z.string().nullish(),
    address: stripeAddressSchema.nullish(),
    metadata: z.record(z.string(), z.string()).optional(),
    /** Unix seconds: of several customers with one email, the first created is the customer. */
    created: z.number().optional(),
  })
  .loose();
export type StripeCustomer = z.infer<typeof stripeCustomerSchema>;

/**
 * A Stripe customer has no "updated" time: a write made "unless changed since read" compares this, its
 * address and metadata as Stripe answered them. Pure: the workflow that read it and the connector agree.
 */
export function stripeCustomerVersion(customer: Pick<StripeCustomer, 'address' | 'metadata'>): string {
  return JSON.stringify([customer.address ?? null, customer.metadata ?? {}]);
}

/** A list (or search result) page. */
export const stripeListSchema = <T extends z.ZodType>(item: T) =>
  z.object({ object: z.enum(['list', 'search_result']), data: z.array(item), has_more: z.boolean() });

export const stripeInvoiceItemSchema = z
  .object({
    id: z.string(),
    object: z.literal('invoiceitem'),
    amount: z.number(),
    currency: z.string(),
    customer: z.string(),
    invoice: z.string().nullable(),
  })
  .loose();
export type StripeInvoiceItem = z.infer<typeof stripeInvoiceItemSchema>;

export const stripeInvoiceSchema = z
  .object({
    id: z.string(),
    object: z.literal('invoice'),
    customer: z.string(),
    status: z.enum(['draft', 'open', 'paid', 'uncollectible', 'void']),
    amount_due: z.number(),
    currency: z.string(),
    number: z.string().nullable(),
    hosted_invoice_url: z.string().nullish(),
  })
  .loose();
export type StripeInvoice = z.infer<typeof stripeInvoiceSchema>;

export const stripeDeletedSchema = z.object({ id: z.string(), deleted: z.literal(true) }).loose();

/** The customer fields Switchboard writes (POST /v1/customers). */
export const stripeCustomerInputSchema = z.object({
  email: z.email(),
  name: z.string().optional(),
  phone: z.string().optional(),
  metadata: z.record(z.string(), z.string()).default({}),
});
export type StripeCustomerInput = z.infer<typeof stripeCustomerInputSchema>;

/** The invoice item fields Switchboard writes (POST /v1/invoiceitems, with customer and invoice). */
export const stripeInvoiceItemInputSchema = z.object({
  /** Stripe amounts are integers in the currency's smallest unit (cents). */
  amount: z.number().int().positive(),
  currency: z.string().regex(/^[a-z]{3}$/, 'an ISO currency code'),
  description: z.string(),
  metadata: z.record(z.string(), z.string()).default({}),
});
export type StripeInvoiceItemInput = z.infer<typeof stripeInvoiceItemInputSchema>;
