/** Contract: the Shopify connector against the Shopify stand-in (real paths, token header, error shapes). */
import { ApplicationFailure } from '@temporalio/common';
import { createShopifyActivities } from './api';
import { HttpClient } from '../../http/client';
import { Config, loadConfig } from '../../config';
import { startSandbox, Sandbox } from '../../sandbox/server';
import { freePort } from '../../runtime/devServer';

let sandbox: Sandbox;
let config: Config;
let shopify: ReturnType<typeof createShopifyActivities>;

beforeAll(async () => {
  const port = await freePort();
  config = loadConfig({ SWITCHBOARD_SANDBOX: 'true', SANDBOX_PORT: String(port), LOG_LEVEL: 'silent' });
  sandbox = await startSandbox({ port, config });
  shopify = createShopifyActivities(new HttpClient({ systems: config.systems }));
});
afterAll(() => sandbox?.close());

test('reads an order with its line items and shipping address', async () => {
  const placed = sandbox.shopify.createOrder({
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
  const get = sandbox.recorders.shopify.requests.find((r) => r.path === `/orders/${placed.id}.json`);
  expect(get).toMatchObject({ method: 'GET', authorized: true, status: 200 });
});

test('an order the shop does not have is null, not an error', async () => {
  await expect(shopify.getShopifyOrder(999)).resolves.toBeNull();
});

test('fulfills the open fulfillment orders with the tracking number, once', async () => {
  const placed = sandbox.shopify.createOrder();
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
  expect(sandbox.shopify.fulfillments.get(placed.id)).toHaveLength(1);
  expect(sandbox.shopify.orders.get(placed.id)?.fulfillment_status).toBe('fulfilled');
  const post = sandbox.recorders.shopify.requests.find((r) => r.path === '/fulfillments.json');
  expect(post?.body).toEqual({
    fulfillment: {
      line_items_by_fulfillment_order: [{ fulfillment_order_id: fo.id }],
      tracking_info: tracking,
      notify_customer: true,
    },
  });
});

test('a cancelled order has nothing to fulfill', async () => {
  const placed = sandbox.shopify.createOrder();
  sandbox.shopify.cancelOrder(placed.id);
  await expect(shopify.fulfillShopifyOrder(placed.id, { number: 'X1' })).resolves.toEqual({
    outcome: 'nothing-to-fulfill',
  });
});

test("updates the customer's default address in place", async () => {
  const customer = sandbox.shopify.createCustomer({
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
  const wrong = loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    SANDBOX_PORT: String(sandbox.port),
    SHOPIFY_ACCESS_TOKEN: 'shpat_wrong',
  });
  const bad = createShopifyActivities(new HttpClient({ systems: wrong.systems }));
  const err = await bad.getShopifyOrder(1).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect(err).toMatchObject({ type: 'ApiRequestError', nonRetryable: true });
  expect((err as Error).message).toContain('401: [API] Invalid API key or access token');
  expect((err as Error).message).not.toContain('shpat_wrong');
});

test('signs webhooks like Shopify: base64 HMAC-SHA256 of the raw body with the topic headers', async () => {
  const received: { headers: Record<string, string>; body: string }[] = [];
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const previous = sandbox.gatewayUrl();
  sandbox.setGatewayUrl(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
  try {
    const order = sandbox.shopify.createOrder();
    await sandbox.shopify.sendWebhook('orders/create', order);
    const [{ headers, body }] = received;
    const { createHmac } = await import('node:crypto');
    expect(headers['x-shopify-topic']).toBe('orders/create');
    expect(headers['x-shopify-hmac-sha256']).toBe(
      createHmac('sha256', config.webhookSecrets.shopify[0]).update(body).digest('base64'),
    );
    expect(headers['x-shopify-webhook-id']).toMatch(/[0-9a-f-]{36}/);
    expect(headers['x-shopify-shop-domain']).toMatch(/\.myshopify\.com$/);
    expect(JSON.parse(body)).toMatchObject({ id: order.id });
  } finally {
    sandbox.setGatewayUrl(previous ?? '');
    server.close();
  }
});
