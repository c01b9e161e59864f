/**
 * HubSpot won deal (+ its contact) → Stripe customer and invoice item: the deal-won field maps, typed with
 * zod at both ends. Pure, so the workflow runs them and GET /integrations shows them.
 */
import type { HubspotContact, HubspotDeal } from '../../systems/hubspot/schemas';
import { firstZodIssue } from '../../systems/kit/zodIssue';
import {
  StripeCustomerInput,
  stripeCustomerInputSchema,
  StripeInvoiceItemInput,
  stripeInvoiceItemInputSchema,
} from '../../systems/stripe/schemas';
import { applyFieldMap, FieldMap } from '../kit/fieldMap';

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
  if (!customer.success) return { ok: false, reason: `customer ${firstZodIssue(customer.error, '(root)')}` };
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
  if (!item.success) return { ok: false, reason: `invoice item ${firstZodIssue(item.error, '(root)')}` };
  return { ok: true, customer: customer.data, item: item.data, amount: Number(amount) };
}
