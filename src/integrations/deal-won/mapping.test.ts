/** The deal-won field maps: HubSpot deal + contact → Stripe customer and invoice item. */
import type { HubspotDeal } from '../../systems/hubspot/schemas';
import { mapWonDealToStripe, toMinorUnits, wonDealOf } from './mapping';

const deal = (properties: HubspotDeal['properties']): HubspotDeal => ({ id: '42', properties });
const contact = {
  id: '7',
  properties: { email: ' Ada@Example.COM ', firstname: 'Ada', lastname: 'Lovelace', company: 'AE' },
};

test('maps a won deal and its contact to a Stripe customer and an invoice item in minor units', () => {
  const won = wonDealOf(
    deal({ dealname: ' Big one ', amount: '12500.5', closedate: '2025-01-31' }),
    contact,
    'usd',
  );
  expect(mapWonDealToStripe(won)).toEqual({
    ok: true,
    amount: 12500.5,
    customer: {
      email: 'ada@example.com',
      name: 'Ada Lovelace',
      metadata: { company: 'AE', hubspot_contact_id: '7' },
    },
    item: {
      amount: 1250050,
      currency: 'usd',
      description: 'Big one',
      metadata: { hubspot_deal_id: '42', hubspot_closedate: '2025-01-31' },
    },
  });
});

test('the deal currency wins over the default; zero-decimal currencies are not multiplied', () => {
  const won = wonDealOf(deal({ amount: '5000', deal_currency_code: 'JPY' }), contact, 'usd');
  const mapped = mapWonDealToStripe(won);
  expect(mapped.ok && mapped.item).toMatchObject({ amount: 5000, currency: 'jpy', description: 'Won deal' });
  expect(toMinorUnits(19.99, 'eur')).toBe(1999);
  expect(toMinorUnits(0.1 + 0.2, 'usd')).toBe(30);
});

test.each([
  [1500, 'xpf', 1500], // zero-decimal
  [250, 'isk', 25000], // Stripe's special case: two decimals in the API
  [12.345, 'kwd', 12350], // three-decimal, last digit 0
  [99.5, 'bif', 100],
])('%d %s → %d minor units', (amount, currency, expected) => {
  expect(toMinorUnits(amount, currency)).toBe(expected);
});

test.each([
  ['no contact', deal({ amount: '100' }), null, /^customer email/],
  ['no amount', deal({}), contact, /^invoice item amount/],
  ['a zero amount', deal({ amount: '0' }), contact, /^invoice item amount/],
  ['a non-numeric amount', deal({ amount: 'lots' }), contact, /^invoice item amount/],
])('a deal with %s cannot be invoiced and says why', (_what, d, c, reason) => {
  const mapped = mapWonDealToStripe(wonDealOf(d, c, 'usd'));
  expect(mapped.ok).toBe(false);
  expect(!mapped.ok && mapped.reason).toMatch(reason);
});
