/** order-fulfillment field maps: what ShipBob receives for a Shopify order, and what Shopify gets back. */
import { mapShipbobTrackingToShopify, mapShopifyOrderToShipbob, ShopifyOrderForShipment } from './mapping';

const order = (over: Partial<ShopifyOrderForShipment> = {}): ShopifyOrderForShipment => ({
  id: 450789469,
  name: '#1001',
  email: ' Ada@Example.com ',
  created_at: '2024-10-01T10:00:00Z',
  line_items: [
    { sku: 'SB-TSHIRT-M', title: 'T-shirt (M)', quantity: 2, requires_shipping: true },
    { sku: 'GIFT-CARD', title: 'Gift card', quantity: 1, requires_shipping: false },
  ],
  shipping_address: {
    name: 'Ada Lovelace',
    address1: '12 Analytical Way',
    address2: '',
    city: 'Springfield',
    province_code: 'or',
    zip: '97477',
    country_code: 'us',
    phone: '+1 541 555 0100',
  },
  ...over,
});

test('a Shopify order becomes a ShipBob DTC order keyed by the Shopify order id', () => {
  expect(mapShopifyOrderToShipbob(order(), 'Standard')).toEqual({
    ok: true,
    value: {
      reference_id: '450789469',
      order_number: '#1001',
      type: 'DTC',
      shipping_method: 'Standard',
      purchase_date: '2024-10-01T10:00:00Z',
      recipient: {
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        phone_number: '+1 541 555 0100',
        address: {
          address1: '12 Analytical Way',
          city: 'Springfield',
          state: 'OR',
          zip_code: '97477',
          country: 'US',
        },
      },
      // Items that need no shipping (gift cards, digital goods) stay out of the shipment.
      products: [{ reference_id: 'SB-TSHIRT-M', name: 'T-shirt (M)', quantity: 2 }],
    },
  });
});

test('the recipient name falls back to first and last name', () => {
  const result = mapShopifyOrderToShipbob(
    order({
      shipping_address: {
        first_name: 'Grace',
        last_name: 'Hopper',
        address1: '1 Navy Yard',
        city: 'Arlington',
        country_code: 'US',
      },
    }),
    'Standard',
  );
  expect(result.ok && result.value.recipient.name).toBe('Grace Hopper');
});

test('an order that cannot be shipped says why', () => {
  expect(mapShopifyOrderToShipbob(order({ shipping_address: null }), 'Standard')).toEqual({
    ok: false,
    reason: expect.stringMatching(/^recipient\.name/),
  });
  const noSku = mapShopifyOrderToShipbob(
    order({ line_items: [{ sku: null, title: 'Mystery', quantity: 1 }] }),
    'Standard',
  );
  expect(noSku).toEqual({ ok: false, reason: expect.stringMatching(/^products\.0\.reference_id/) });
  const digitalOnly = mapShopifyOrderToShipbob(
    order({ line_items: [{ sku: 'EBOOK', title: 'E-book', quantity: 1, requires_shipping: false }] }),
    'Standard',
  );
  expect(digitalOnly).toEqual({ ok: false, reason: expect.stringMatching(/^products/) });
});

test("ShipBob's tracking becomes Shopify's tracking_info", () => {
  expect(
    mapShipbobTrackingToShopify({
      tracking_number: ' 1Z999 ',
      carrier: 'UPS',
      tracking_url: 'https://ups.example/1Z999',
    }),
  ).toEqual({ ok: true, value: { number: '1Z999', company: 'UPS', url: 'https://ups.example/1Z999' } });
  expect(mapShipbobTrackingToShopify({ tracking_number: 'X1', carrier: '' })).toEqual({
    ok: true,
    value: { number: 'X1' },
  });
  expect(mapShipbobTrackingToShopify({ tracking_number: '' })).toMatchObject({ ok: false });
});
