/**
 * order-fulfillment end to end: signed Shopify and ShipBob webhooks → gateway → real Temporal dev server →
 * worker → Shopify and ShipBob stand-ins. Ship path, cancel path, out-of-order and duplicate webhooks,
 * and the ShipBob OAuth2 token as real runs use it.
 */
import { orderFulfillmentWorkflowId } from './definition';
import type { OrderFulfillmentResult } from './workflow';
import { recordHistory } from '../../../test/helpers/histories';
import { apiKeyHeader, eventually, startStack, TestStack } from '../../../test/helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const control = async (path: string, body: unknown = {}) => {
  const res = await fetch(`${stack.sandbox.url}/_sandbox/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

/** Places a Shopify order through the sandbox, which sends the signed orders/create webhook. */
async function placeOrder() {
  const { status, body } = await control('shopify/orders', {
    line_items: [{ sku: 'SB-MUG', title: 'Mug', quantity: 2 }],
  });
  expect(status).toBe(201);
  const order = body.order as { id: number; name: string };
  return { orderId: String(order.id), webhook: body.webhook as { status: number; body: unknown } };
}

const shipbobOrderFor = (orderId: string) =>
  [...stack.sandbox.shipbob.orders.values()].find((o) => o.reference_id === orderId);
const result = (orderId: string) =>
  stack.client.workflow
    .getHandle(orderFulfillmentWorkflowId(orderId))
    .result() as Promise<OrderFulfillmentResult>;

test('ship path: order → ShipBob order → shipped webhook → tracking lands on the Shopify order', async () => {
  const { orderId, webhook } = await placeOrder();
  expect(webhook.status).toBe(202);
  expect(webhook.body).toMatchObject({
    events: [
      { runs: [{ integration: 'order-fulfillment', workflowId: orderFulfillmentWorkflowId(orderId) }] },
    ],
  });

  const shipment = await eventually(() => shipbobOrderFor(orderId), 20_000, 'the ShipBob order');
  expect(shipment).toMatchObject({
    status: 'Processing',
    order_number: expect.stringMatching(/^#\d+$/),
    products: [{ reference_id: 'SB-MUG', quantity: 2 }],
    recipient: { name: 'Ada Lovelace', address: { city: 'Springfield', country: 'US' } },
  });
  const handle = stack.client.workflow.getHandle(orderFulfillmentWorkflowId(orderId));
  await eventually(
    async () =>
      (await handle.query<{ stage: string }>('progress')).stage === 'waiting for the shipment'
        ? true
        : undefined,
    20_000,
    'the run to wait for the shipment',
  );
  expect(stack.sandbox.shopify.fulfillments.get(Number(orderId))).toEqual([]);

  const shipped = await control('shipbob/ship', {
    referenceId: orderId,
    trackingNumber: '1Z999AA10123456784',
    carrier: 'UPS',
  });
  expect(shipped.status).toBe(200);
  expect((shipped.body.webhook as { status: number }).status).toBe(202);

  await expect(result(orderId)).resolves.toMatchObject({
    orderId,
    outcome: 'fulfilled',
    shipbobOrderId: shipment.id,
    trackingNumber: '1Z999AA10123456784',
    carrier: 'UPS',
  });
  const [fulfillment] = stack.sandbox.shopify.fulfillments.get(Number(orderId))!;
  expect(fulfillment).toMatchObject({
    tracking_number: '1Z999AA10123456784',
    tracking_company: 'UPS',
    tracking_url: expect.stringContaining('1Z999AA10123456784'),
    notify_customer: true,
  });
  expect(stack.sandbox.shopify.orders.get(Number(orderId))?.fulfillment_status).toBe('fulfilled');
  await recordHistory(stack.client, orderFulfillmentWorkflowId(orderId), 'order-fulfillment');

  // ShipBob redelivers order.shipped after the run has closed: nothing starts, nothing is written twice.
  const completed = await handle.describe();
  const late = await stack.sandbox.shipbob.sendWebhook('order.shipped', {
    order_id: shipment.id,
    reference_id: orderId,
    tracking: { tracking_number: '1Z999AA10123456784', carrier: 'UPS' },
  });
  expect(late.status).toBe(202);
  expect(late.body).toMatchObject({ duplicate: true, events: [{ status: 'duplicate' }] });
  expect(stack.sandbox.shopify.fulfillments.get(Number(orderId))).toHaveLength(1);
  // The latest run of the order's id is still the completed one: no second run was started.
  const latest = await stack.client.workflow.getHandle(orderFulfillmentWorkflowId(orderId)).describe();
  expect(latest).toMatchObject({ runId: completed.runId, status: { name: 'COMPLETED' } });
});

test('an order cancelled after it shipped (its run closed) raises one alert for a person', async () => {
  stack.config.alerts.webhookUrl = stack.sandbox.alertWebhookUrl;
  const { orderId } = await placeOrder();
  await eventually(() => shipbobOrderFor(orderId), 20_000, 'the ShipBob order');
  await eventually(
    async () =>
      (
        await stack.client.workflow
          .getHandle(orderFulfillmentWorkflowId(orderId))
          .query<{ stage: string }>('progress')
      ).stage === 'waiting for the shipment' || undefined,
    20_000,
    'the run to wait for the shipment',
  );
  expect((await control('shipbob/ship', { referenceId: orderId })).status).toBe(200);
  await expect(result(orderId)).resolves.toMatchObject({ outcome: 'fulfilled' });

  const cancelled = await control(`shopify/orders/${orderId}/cancel`, { reason: 'customer' });
  expect((cancelled.body.webhook as { status: number }).status).toBe(202);
  await expect(result(orderId)).rejects.toThrow();
  const alerts = await eventually(
    () => {
      const found = stack.sandbox.alerts.messages.filter((m) => m.text.includes(orderId));
      return found.length > 0 ? found : undefined;
    },
    20_000,
    'the alert',
  );
  expect(alerts).toHaveLength(1);
  expect(alerts[0].text).toMatch(/could not be/);
});

test('cancel path: an order cancelled before shipping cancels the ShipBob order and is never fulfilled', async () => {
  const { orderId } = await placeOrder();
  const shipment = await eventually(() => shipbobOrderFor(orderId), 20_000, 'the ShipBob order');

  const cancelled = await control(`shopify/orders/${orderId}/cancel`, { reason: 'customer' });
  expect((cancelled.body.webhook as { status: number }).status).toBe(202);

  await expect(result(orderId)).resolves.toMatchObject({ outcome: 'cancelled', shipbobOrderId: shipment.id });
  expect(stack.sandbox.shipbob.orders.get(shipment.id)?.status).toBe('Cancelled');
  expect(stack.sandbox.shopify.fulfillments.get(Number(orderId))).toEqual([]);
  const cancelCall = stack.sandbox.recorders.shipbob.requests.find(
    (r) => r.path === `/1.0/order/${shipment.id}/cancel`,
  );
  expect(cancelCall).toMatchObject({ method: 'POST', status: 200 });
});

test('a cancellation that overtakes its orders/create ships nothing; the late create is a duplicate', async () => {
  const order = stack.sandbox.shopify.createOrder();
  const orderId = String(order.id);
  stack.sandbox.shopify.cancelOrder(order.id);
  const cancel = await stack.sandbox.shopify.sendWebhook('orders/cancelled', order);
  expect(cancel.status).toBe(202);
  await expect(result(orderId)).resolves.toMatchObject({ outcome: 'cancelled' });

  const create = await stack.sandbox.shopify.sendWebhook('orders/create', order);
  expect(create).toMatchObject({ status: 202, body: { duplicate: true } });
  expect(shipbobOrderFor(orderId)).toBeUndefined();
});

test('orders/create delivered twice: one run, one ShipBob order', async () => {
  const order = stack.sandbox.shopify.createOrder();
  const orderId = String(order.id);
  const first = await stack.sandbox.shopify.sendWebhook('orders/create', order);
  const again = await stack.sandbox.shopify.sendWebhook('orders/create', order, first.webhookId);
  expect(first.status).toBe(202);
  expect(again).toMatchObject({ status: 202, body: { duplicate: true } });
  await eventually(() => shipbobOrderFor(orderId), 20_000, 'the ShipBob order');
  await control('shipbob/ship', { referenceId: orderId });
  await expect(result(orderId)).resolves.toMatchObject({ outcome: 'fulfilled' });
  expect([...stack.sandbox.shipbob.orders.values()].filter((o) => o.reference_id === orderId)).toHaveLength(
    1,
  );
});

test('ShipBob OAuth2 through real runs: one token for many calls, one new token after it expires', async () => {
  const grants = () => stack.sandbox.shipbob.tokenGrants;
  // Earlier tests in this file made many ShipBob calls from this worker: still one token.
  expect(grants()).toBe(1);
  const calls = stack.sandbox.recorders.shipbob.requests.filter((r) => r.path.startsWith('/1.0/')).length;
  expect(calls).toBeGreaterThanOrEqual(10);

  stack.sandbox.shipbob.expireIssuedTokens();
  const orders = await Promise.all([placeOrder(), placeOrder(), placeOrder()]);
  for (const { orderId } of orders)
    await eventually(() => shipbobOrderFor(orderId), 20_000, 'the ShipBob order');
  for (const { orderId } of orders) await control(`shopify/orders/${orderId}/cancel`);
  for (const { orderId } of orders)
    await expect(result(orderId)).resolves.toMatchObject({ outcome: 'cancelled' });
  // The expired token was refused once (401), replaced once, and the new one served every later call.
  expect(grants()).toBe(2);
});

type RunHandle = ReturnType<TestStack['client']['workflow']['getHandle']>;

const waitingForShipment = (handle: RunHandle) =>
  eventually(
    async () =>
      (await handle.query<{ stage: string }>('progress')).stage === 'waiting for the shipment' || undefined,
    20_000,
    'the run to wait for the shipment',
  );

/**
 * The ways an order's run can close without completing while the parcel is still in the warehouse. (Timed
 * out is not among them: the gateway starts runs with no execution or run timeout, so no run it starts can
 * time out; a run that waits too long for its shipment fails, as `failed` below.)
 */
const closedWithoutCompleting: {
  kind: string;
  status: string;
  maxWait?: TestStack['config']['orderFulfillment']['maxWait'];
  close(handle: RunHandle): Promise<void>;
}[] = [
  {
    kind: 'was terminated by an operator',
    status: 'TERMINATED',
    async close(handle) {
      await waitingForShipment(handle);
      await handle.terminate('operator: stuck run');
    },
  },
  {
    kind: 'was cancelled through the runs API',
    status: 'CANCELLED',
    async close(handle) {
      await waitingForShipment(handle);
      const res = await fetch(`${stack.gatewayUrl}/runs/${handle.workflowId}/cancel`, {
        method: 'POST',
        headers: apiKeyHeader(stack.config),
      });
      expect(res.status).toBe(202);
      await expect(handle.result()).rejects.toThrow();
    },
  },
  {
    // ORDER_FULFILLMENT_MAX_WAIT passed with no shipment: the run fails (ShipmentOverdue) and alerts.
    kind: 'failed (its shipment overdue)',
    status: 'FAILED',
    maxWait: '1s',
    async close(handle) {
      await expect(handle.result()).rejects.toMatchObject({
        cause: { type: 'ShipmentOverdue', message: expect.stringMatching(/has not shipped after 1s/) },
      });
    },
  },
];

test.each(closedWithoutCompleting)(
  'ShipBob order.shipped after the order’s run $kind is acted on, not dropped as a duplicate',
  async ({ status, maxWait, close }) => {
    const defaultMaxWait = stack.config.orderFulfillment.maxWait;
    if (maxWait) stack.config.orderFulfillment.maxWait = maxWait;
    let orderId: string;
    try {
      ({ orderId } = await placeOrder());
    } finally {
      stack.config.orderFulfillment.maxWait = defaultMaxWait;
    }
    const shipment = await eventually(() => shipbobOrderFor(orderId), 20_000, 'the ShipBob order');
    const handle = stack.client.workflow.getHandle(orderFulfillmentWorkflowId(orderId));
    // The run closes without completing while the parcel is still in the warehouse.
    await close(handle);
    const closed = await handle.describe();
    expect(closed.status.name).toBe(status);

    const shipped = await control('shipbob/ship', {
      referenceId: orderId,
      trackingNumber: '1Z999AA10123456799',
      carrier: 'UPS',
    });
    const webhook = shipped.body.webhook as { status: number; body: Record<string, unknown> };
    expect(webhook.status).toBe(202);
    expect(webhook.body).toMatchObject({ duplicate: false, events: [{ status: 'accepted' }] });
    await expect(result(orderId)).resolves.toMatchObject({
      outcome: 'fulfilled',
      shipbobOrderId: shipment.id,
      trackingNumber: '1Z999AA10123456799',
    });
    expect(stack.sandbox.shopify.fulfillments.get(Number(orderId))).toEqual([
      expect.objectContaining({ tracking_number: '1Z999AA10123456799', notify_customer: true }),
    ]);
    expect(stack.sandbox.shopify.orders.get(Number(orderId))?.fulfillment_status).toBe('fulfilled');
    const latest = await handle.describe();
    expect(latest.runId).not.toBe(closed.runId);
    expect(latest.status.name).toBe('COMPLETED');
  },
);

test('a digital-only order (nothing requires shipping) completes as nothing to ship: no alert, no 3PL call', async () => {
  stack.config.alerts.webhookUrl = stack.sandbox.alertWebhookUrl;
  const before = stack.sandbox.recorders.shipbob.requests.length;
  const { status, body } = await control('shopify/orders', {
    line_items: [
      { sku: 'EBOOK-1', title: 'E-book', quantity: 1, requires_shipping: false },
      { sku: 'GIFT-25', title: 'Gift card', quantity: 1, requires_shipping: false },
    ],
  });
  expect(status).toBe(201);
  const orderId = String((body.order as { id: number }).id);
  await expect(result(orderId)).resolves.toMatchObject({ orderId, outcome: 'nothing to ship' });
  expect(shipbobOrderFor(orderId)).toBeUndefined();
  expect(
    stack.sandbox.recorders.shipbob.requests.slice(before).filter((r) => r.path.startsWith('/1.0/order')),
  ).toEqual([]);
  expect(stack.sandbox.alerts.messages.filter((m) => m.text.includes(orderId))).toEqual([]);
  const described = await stack.client.workflow.getHandle(orderFulfillmentWorkflowId(orderId)).describe();
  expect(described.status.name).toBe('COMPLETED');
  await recordHistory(
    stack.client,
    orderFulfillmentWorkflowId(orderId),
    'order-fulfillment',
    'order-fulfillment.nothing-to-ship',
  );
});
