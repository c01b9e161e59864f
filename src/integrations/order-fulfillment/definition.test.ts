/** Shopify signs the body, not the topic header: a cancellation must be in the signed body to act on it. */
import { subscribersOf } from '../catalog';
import { loadConfig } from '../../config';

const cancelled = (payload: unknown) => ({
  source: 'shopify',
  eventId: 'wh-1',
  eventType: 'orders/cancelled',
  recordId: '450789469',
  occurredAt: Date.now(),
  payload,
});
const ids = (payload: unknown) =>
  subscribersOf(cancelled(payload), undefined, loadConfig({ SWITCHBOARD_SANDBOX: 'true' })).map((i) => i.id);

test('orders/cancelled whose body says cancelled → order-fulfillment', () => {
  expect(ids({ id: 450789469, cancelled_at: '2026-11-26T10:00:00Z' })).toEqual(['order-fulfillment']);
});

test('an order body without cancelled_at replayed under the orders/cancelled topic → nobody acts on it', () => {
  expect(ids({ id: 450789469, cancelled_at: null })).toEqual([]);
  expect(ids({ id: 450789469 })).toEqual([]);
});
