/** Addresses between HubSpot, Shopify and Stripe: compared on what both systems can hold. */
import { addressOf, fieldsHeldBy, sameAddress, sharedFields } from './mapping';

const hubspot = addressOf('hubspot', {
  properties: { address: '1 Rue de Rivoli', city: 'Paris', zip: '75001', country: 'fr' },
});
const shopify = addressOf('shopify', {
  default_address: {
    address1: '1 Rue de Rivoli',
    address2: 'Apt 4',
    city: 'Paris',
    zip: '75001',
    country_code: 'FR',
  },
});

test('HubSpot contacts hold no second address line; Shopify and Stripe do', () => {
  expect(fieldsHeldBy('hubspot')).not.toContain('line2');
  expect(fieldsHeldBy('shopify')).toContain('line2');
  expect(sharedFields('hubspot', 'stripe')).toEqual(['line1', 'city', 'state', 'postalCode', 'country']);
});

test('a HubSpot address equals a Shopify one with "Apt 4": nothing to write, line 2 is not blanked', () => {
  expect(sameAddress(hubspot, shopify, sharedFields('hubspot', 'shopify'))).toBe(true);
  // Compared on every field (Shopify ↔ Stripe both hold line 2), the missing line 2 is a difference.
  expect(sameAddress(hubspot, shopify)).toBe(false);
});

test('a moved customer is a difference on the shared fields', () => {
  const moved = addressOf('hubspot', {
    properties: { address: '12 St James Sq', city: 'London', zip: 'SW1Y 4JH', country: 'GB' },
  });
  expect(sameAddress(moved, shopify, sharedFields('hubspot', 'shopify'))).toBe(false);
});
