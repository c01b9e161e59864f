/**
 * The ShipBob OAuth2 token as real order-fulfillment runs use it (signed Shopify webhooks → gateway → real
 * Temporal dev server → workers → ShipBob stand-in): one token serves many calls from concurrent
 * activities; a token that expires is replaced once — after a 401 when the server ends it early, and
 * before it expires when it is short-lived.
 */
import { orderFulfillmentWorkflowId } from '../integrations/order-fulfillment/definition';
import type { OrderFulfillmentResult } from '../integrations/order-fulfillment/workflow';
import { eventually, sandboxControl, useStack } from '../../test/helpers/stack';

// Shopify's default 2 requests/s would make the Shopify reads the bottleneck; ShipBob's calls are the subject.
const stack = useStack({ env: { SHOPIFY_RATE_LIMIT_PER_SECOND: '50', SHIPBOB_RATE_LIMIT_PER_SECOND: '50' } });

const control = (path: string, body: unknown = {}) =>
  sandboxControl(stack, 'POST', path, body) as Promise<Record<string, unknown>>;

/** Places a Shopify order through the sandbox, which sends the signed orders/create webhook. */
async function placeOrder(): Promise<string> {
  const body = await control('shopify/orders', {
    line_items: [{ sku: 'SB-MUG', title: 'Mug', quantity: 1 }],
  });
  expect((body.webhook as { status: number }).status).toBe(202);
  return String((body.order as { id: number }).id);
}

const shipbobOrderFor = (orderId: string) =>
  [...stack.sandbox.shipbob.orders.values()].find((o) => o.reference_id === orderId);
const shipbobCalls = () => stack.sandbox.recorders.shipbob.requests.filter((r) => r.path !== '/oauth/token');
const grants = () => stack.sandbox.shipbob.tokenGrants;

test('one token for many calls; replaced once when the server expires it; refreshed before a short one expires', async () => {
  // 1. Ten runs create their ShipBob orders concurrently: one token request serves them all.
  const orders = await Promise.all(Array.from({ length: 10 }, () => placeOrder()));
  await eventually(() => (orders.every(shipbobOrderFor) ? true : undefined), 30_000, 'ten ShipBob orders');
  expect(grants()).toBe(1);
  expect(shipbobCalls().filter((r) => r.method === 'POST' && r.status === 201)).toHaveLength(10);
  expect(shipbobCalls().every((r) => r.status !== 401)).toBe(true);

  // 2. ShipBob ends the token early. Cancelling the ten orders makes ten more calls: those sent with the
  //    dead token get a 401, and one new token serves them all.
  await control('shipbob/oauth', { expireIssuedTokens: true });
  const callsBefore = shipbobCalls().length;
  await Promise.all(orders.map((id) => control(`shopify/orders/${id}/cancel`)));
  const results = await Promise.all(
    orders.map(
      (id) =>
        stack.client.workflow
          .getHandle(orderFulfillmentWorkflowId(id))
          .result() as Promise<OrderFulfillmentResult>,
    ),
  );
  expect(results.map((r) => r.outcome)).toEqual(orders.map(() => 'cancelled'));
  expect(grants()).toBe(2);
  const afterExpiry = shipbobCalls().slice(callsBefore);
  const rejected = afterExpiry.filter((r) => r.status === 401).length;
  expect(rejected).toBeGreaterThanOrEqual(1);
  expect(rejected).toBeLessThanOrEqual(orders.length); // each call refreshed at most once, never looped
  expect(afterExpiry.filter((r) => r.path.endsWith('/cancel') && r.status === 200)).toHaveLength(10);

  // 3. ShipBob switches to 2-second tokens (and ends the current one). The first call is rejected and
  //    fetches a short-lived token; calls keep coming, one order at a time, until the client replaces
  //    that token shortly before it expires — without another 401.
  const rejectedBefore = shipbobCalls().filter((r) => r.status === 401).length;
  await control('shipbob/oauth', { expiresIn: 2, expireIssuedTokens: true });
  const later: string[] = [];
  await eventually(
    async () => {
      const id = await placeOrder();
      later.push(id);
      await eventually(() => shipbobOrderFor(id), 20_000, `ShipBob order for ${id}`);
      return grants() >= 4 ? true : undefined;
    },
    30_000,
    'a token refresh before expiry',
  );
  expect(shipbobCalls().filter((r) => r.status === 401)).toHaveLength(rejectedBefore + 1);

  // Leave no run waiting: cancel the later orders too.
  await Promise.all(later.map((id) => control(`shopify/orders/${id}/cancel`)));
  await Promise.all(
    later.map((id) => stack.client.workflow.getHandle(orderFulfillmentWorkflowId(id)).result()),
  );
});
