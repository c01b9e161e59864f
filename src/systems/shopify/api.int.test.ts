/** Contract: the Shopify connector against the Shopify stand-in (real paths, token header, error shapes). */
import { createHmac } from 'node:crypto';
import { createShopifyActivities } from './api';
import { catchWebhooks, expectRefusal, useConnectorSandbox } from '../../../test/helpers/connectorSandbox';

const env = useConnectorSandbox();
const shopify = env.activities(createShopifyActivities);

test('reads an order with its line items and shipping address', async () => {
  const placed = env.sandbox.shopify.createOrder({
    email: 'grace@example.com',
    line_items: [{ sku: 'MUG-1', title: 'Mug', quantity: 2 }],
  });
  const order = await shopify.getShopifyOrder(placed.id);
  expect(order).toMatchObject({
    id: placed.id,
    name: placed.name,
    email: 'grace@example.com',
    line_items: [{ sku: 'MUG-1', quantity: 2 }],
    shipping_address: { city: 'Springfield', country_code: 'US' },
  });
  const get = env.sandbox.recorders.shopify.requests.find((r) => r.path === `/orders/${placed.id}.json`);
  expect(get).toMatchObject({ method: 'GET', authorized: true, status: 200 });
});

test('an order the shop does not have is null, not an error', async () => {
  await expect(shopify.getShopifyOrder(999)).resolves.toBeNull();
});

test('fulfills the open fulfillment orders with the tracking number, once', async () => {
  const placed = env.sandbox.shopify.createOrder();
  const [fo] = await shopify.listShopifyFulfillmentOrders(placed.id);
  expect(fo).toMatchObject({ order_id: placed.id, status: 'open' });

  const tracking = { number: '1Z999AA10123456784', company: 'UPS', url: 'https://ups.example/1Z' };
  const first = await shopify.fulfillShopifyOrder(placed.id, tracking);
  expect(first).toMatchObject({
    outcome: 'created',
    fulfillment: { order_id: placed.id, status: 'success', tracking_number: tracking.number },
  });
  // A retry after a lost response finds the earlier fulfillment instead of failing on a closed order.
  const again = await shopify.fulfillShopifyOrder(placed.id, tracking);
  expect(again).toMatchObject({ outcome: 'existing', fulfillment: { id: first.fulfillment!.id } });
  expect(env.sandbox.shopify.fulfillments.get(placed.id)).toHaveLength(1);
  expect(env.sandbox.shopify.orders.get(placed.id)?.fulfillment_status).toBe('fulfilled');
  const post = env.sandbox.recorders.shopify.requests.find((r) => r.path === '/fulfillments.json');
  expect(post?.body).toEqual({
    fulfillment: {
      line_items_by_fulfillment_order: [{ fulfillment_order_id: fo.id }],
      tracking_info: tracking,
      notify_customer: true,
    },
  });
});

test('a cancelled order has nothing to fulfill', async () => {
  const placed = env.sandbox.shopify.createOrder();
  env.sandbox.shopify.cancelOrder(placed.id);
  await expect(shopify.fulfillShopifyOrder(placed.id, { number: 'X1' })).resolves.toEqual({
    outcome: 'nothing-to-fulfill',
  });
});

test("updates the customer's default address in place", async () => {
  const customer = env.sandbox.shopify.createCustomer({
    email: 'ada@example.com',
    address: { address1: '1 Old Road', city: 'London', country_code: 'GB', zip: 'N1' },
  });
  const updated = await shopify.updateShopifyCustomerAddress(customer.id, {
    address1: '2 New Street',
    city: 'Cambridge',
    zip: 'CB1',
    country_code: 'GB',
  });
  expect(updated?.default_address).toMatchObject({
    id: customer.default_address!.id,
    address1: '2 New Street',
    city: 'Cambridge',
  });
  expect(updated?.addresses).toHaveLength(1);
});

test("a wrong access token fails fast with Shopify's own message", async () => {
  await expectRefusal(
    createShopifyActivities(env.badHttp).getShopifyOrder(1),
    'ApiRequestError',
    '401: [API] Invalid API key or access token',
  );
});

test('signs webhooks like Shopify: base64 HMAC-SHA256 of the raw body with the topic headers', async () => {
  const hooks = await catchWebhooks(env.sandbox, 200);
  try {
    const order = env.sandbox.shopify.createOrder();
    await env.sandbox.shopify.sendWebhook('orders/create', order);
    const [{ headers, body }] = hooks.received();
    expect(headers['x-shopify-topic']).toBe('orders/create');
    expect(headers['x-shopify-hmac-sha256']).toBe(
      createHmac('sha256', env.config.webhookSecrets.shopify[0]).update(body).digest('base64'),
    );
    expect(headers['x-shopify-webhook-id']).toMatch(/[0-9a-f-]{36}/);
    expect(headers['x-shopify-shop-domain']).toMatch(/\.myshopify\.com$/);
    expect(JSON.parse(body)).toMatchObject({ id: order.id });
  } finally {
    await hooks.close();
  }
});
