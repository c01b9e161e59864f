/**
 * HubSpot won deal (+ its contact) → Stripe customer and invoice item: the deal-won field maps, typed with
 * zod at both ends. Pure, so the workflow runs them and GET /integrations shows them.
 */
import { z } from 'zod';
import type { HubspotContact } from '../contact-sync/mapping';
import { applyFieldMap, FieldMap } from '../kit/fieldMap';

export const hubspotDealSchema = z.object({
  id: z.string(),
  properties: z
    .object({
      dealname: z.string().nullish(),
      dealstage: z.string().nullish(),
      pipeline: z.string().nullish(),
      amount: z.string().nullish(),
      closedate: z.string().nullish(),
      deal_currency_code: z.string().nullish(),
      switchboard_invoice_status: z.string().nullish(),
    })
    .loose(),
  associations: z
    .object({
      contacts: z
        .object({ results: z.array(z.object({ id: z.string(), type: z.string().optional() })) })
        .optional(),
    })
    .loose()
    .optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  archived: z.boolean().optional(),
});
export type HubspotDeal = z.infer<typeof hubspotDealSchema>;

/** The flat record the maps read: one deal and the contact who pays for it. */
export interface WonDeal {
  dealId: string;
  dealname?: string;
  amount?: string;
  currency: string;
  closedate?: string;
  contactId?: string;
  email?: string;
  fullName?: string;
  phone?: string;
  company?: string;
}

export function wonDealOf(
  deal: HubspotDeal,
  contact: HubspotContact | null,
  fallbackCurrency: string,
): WonDeal {
  const p = contact?.properties;
  const fullName = [p?.firstname, p?.lastname]
    .map((s) => s?.trim())
    .filter(Boolean)
    .join(' ');
  return {
    dealId: deal.id,
    dealname: deal.properties.dealname ?? undefined,
    amount: deal.properties.amount ?? undefined,
    currency: (deal.properties.deal_currency_code || fallbackCurrency).toLowerCase(),
    closedate: deal.properties.closedate ?? undefined,
    contactId: contact?.id,
    email: p?.email ?? undefined,
    fullName: fullName || undefined,
    phone: p?.phone ?? undefined,
    company: p?.company ?? undefined,
  };
}

export const DEAL_TO_STRIPE_CUSTOMER: FieldMap = [
  { from: 'email', to: 'email', transform: 'lowercase' },
  { from: 'fullName', to: 'name', transform: 'trim' },
  { from: 'phone', to: 'phone', transform: 'trim' },
  { from: 'company', to: 'metadata.company', transform: 'trim' },
  { from: 'contactId', to: 'metadata.hubspot_contact_id' },
];

export const DEAL_TO_STRIPE_INVOICE_ITEM: FieldMap = [
  { from: 'amount', to: 'amount', transform: 'toNumber' },
  { from: 'currency', to: 'currency', transform: 'lowercase' },
  { from: 'dealname', to: 'description', transform: 'trim', default: 'Won deal' },
  { from: 'dealId', to: 'metadata.hubspot_deal_id' },
  { from: 'closedate', to: 'metadata.hubspot_closedate' },
];

export const stripeCustomerInputSchema = z.object({
  email: z.email(),
  name: z.string().optional(),
  phone: z.string().optional(),
  metadata: z.record(z.string(), z.string()).default({}),
});
export type StripeCustomerInput = z.infer<typeof stripeCustomerInputSchema>;

export const stripeInvoiceItemInputSchema = z.object({
  /** Stripe amounts are integers in the currency's smallest unit (cents). */
  amount: z.number().int().positive(),
  currency: z.string().regex(/^[a-z]{3}$/, 'an ISO currency code'),
  description: z.string(),
  metadata: z.record(z.string(), z.string()).default({}),
});
export type StripeInvoiceItemInput = z.infer<typeof stripeInvoiceItemInputSchema>;

/** Stripe's zero-decimal currencies: amounts in whole units (https://docs.stripe.com/currencies). */
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);
/** Three-decimal currencies: Stripe wants thousandths, the last digit 0 (rounded to hundredths). */
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/**
 * HubSpot amounts are decimal strings in major units; Stripe wants integer minor units. ISK is two-decimal
 * in Stripe's API (×100) even though it has no minor unit in practice.
 */
export function toMinorUnits(amount: number, currency: string): number {
  const c = currency.toLowerCase();
  if (ZERO_DECIMAL.has(c)) return Math.round(amount);
  if (THREE_DECIMAL.has(c)) return Math.round(amount * 100) * 10;
  return Math.round(amount * 100);
}

export type DealMappingResult =
  | { ok: true; customer: StripeCustomerInput; item: StripeInvoiceItemInput; amount: number }
  | { ok: false; reason: string };

/** A won deal without a billable contact or a positive amount cannot be invoiced: reported, not retried. */
export function mapWonDealToStripe(won: WonDeal): DealMappingResult {
  const customer = stripeCustomerInputSchema.safeParse(applyFieldMap(DEAL_TO_STRIPE_CUSTOMER, won));
  if (!customer.success) return { ok: false, reason: `customer ${issueOf(customer.error)}` };
  const mapped = applyFieldMap(DEAL_TO_STRIPE_INVOICE_ITEM, won) as { amount?: number; currency?: string };
  const amount = mapped.amount;
  const candidate = {
    ...mapped,
    amount:
      typeof amount === 'number' && Number.isFinite(amount)
        ? toMinorUnits(amount, mapped.currency ?? '')
        : amount,
  };
  const item = stripeInvoiceItemInputSchema.safeParse(candidate);
  if (!item.success) return { ok: false, reason: `invoice item ${issueOf(item.error)}` };
  return { ok: true, customer: customer.data, item: item.data, amount: Number(amount) };
}

function issueOf(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`;
}
