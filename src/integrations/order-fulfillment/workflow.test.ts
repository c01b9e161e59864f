/** order-fulfillment's branches with stubbed Shopify and ShipBob: ship, cancel, late cancel, overdue. */
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityStubs, useWorkflowHarness, WorkflowRun } from '../../../test/helpers/workflowHarness';
import {
  orderCancelledSignal,
  orderFulfillment,
  OrderFulfillmentInput,
  orderShippedSignal,
} from './workflow';

const harness = useWorkflowHarness();

const TRACKING = { tracking_number: '1Z999', carrier: 'UPS', tracking_url: 'https://ups.example/1Z999' };

function stubs(): ActivityStubs {
  return {
    getShopifyOrder: async () => ({
      id: 1001,
      name: '#1001',
      email: 'Ada@Example.com',
      line_items: [{ sku: 'SB-MUG', title: 'Mug', quantity: 2 }],
      shipping_address: {
        name: 'Ada Lovelace',
        address1: '1 Main St',
        city: 'Springfield',
        province_code: 'il',
        zip: '62701',
        country_code: 'us',
      },
    }),
    createShipbobOrder: async () => ({ id: 555 }),
    getShipbobOrder: async (id) => ({ id, shipments: [{ tracking: TRACKING }] }),
    fulfillShopifyOrder: async () => ({ outcome: 'created', fulfillment: { id: 77 } }),
    findShipbobOrderByReference: async () => null,
    cancelShipbobOrder: async () => ({ cancelled: true, status: 'Cancelled' }),
    raiseRunFailureAlert: async () => ({ delivered: true }),
  };
}

let n = 0;
const INPUT: OrderFulfillmentInput = {
  orderId: '1001',
  shipbobChannelId: 'ch-1',
  shippingMethod: 'Standard',
  maxWait: '30d',
};
const options = (run: WorkflowRun) => ({
  taskQueue: run.taskQueue,
  workflowId: `order-fulfillment/shopify/order-1001-${++n}`,
  args: [INPUT] as [OrderFulfillmentInput],
});
const alerts = (run: WorkflowRun) =>
  run.argsOf('raiseRunFailureAlert').map(([alert]) => (alert as { error: string }).error);

test('a new order becomes a ShipBob order; when it ships, its tracking is written to Shopify', () =>
  harness.run(stubs(), async (run) => {
    const handle = await run.client.workflow.start(orderFulfillment, options(run));
    await run.called('createShipbobOrder');
    await handle.signal(orderShippedSignal, { eventId: 'shipped-1', shipbobOrderId: 555 });

    await expect(handle.result()).resolves.toEqual({
      orderId: '1001',
      outcome: 'fulfilled',
      shipbobOrderId: 555,
      trackingNumber: '1Z999',
      carrier: 'UPS',
      fulfillmentId: 77,
      detail: 'Shopify fulfillment created',
    });
    expect(run.argsOf('createShipbobOrder')).toEqual([
      [
        'ch-1',
        expect.objectContaining({
          reference_id: '1001',
          order_number: '#1001',
          shipping_method: 'Standard',
          recipient: expect.objectContaining({
            name: 'Ada Lovelace',
            address: expect.objectContaining({ city: 'Springfield', state: 'IL', country: 'US' }),
          }),
          products: [{ reference_id: 'SB-MUG', name: 'Mug', quantity: 2 }],
        }),
      ],
    ]);
    expect(run.argsOf('getShipbobOrder')).toEqual([[555]]);
    expect(run.argsOf('fulfillShopifyOrder')).toEqual([
      ['1001', { number: '1Z999', company: 'UPS', url: 'https://ups.example/1Z999' }],
    ]);
    expect(alerts(run)).toEqual([]);
  }));

test('cancelled before it shipped: the ShipBob order is cancelled and nothing is fulfilled', () =>
  harness.run(stubs(), async (run) => {
    const handle = await run.client.workflow.start(orderFulfillment, options(run));
    await run.called('createShipbobOrder');
    await handle.signal(orderCancelledSignal, { eventId: 'cancel-1', reason: 'customer' });

    await expect(handle.result()).resolves.toMatchObject({
      outcome: 'cancelled',
      shipbobOrderId: 555,
      detail: 'ShipBob order 555 cancelled',
    });
    expect(run.argsOf('cancelShipbobOrder')).toEqual([[555]]);
    expect(run.names()).not.toContain('fulfillShopifyOrder');
  }));

test('a cancellation that overtakes the order: nothing was shipped, nothing to cancel', () =>
  harness.run(stubs(), async (run) => {
    const handle = await run.client.workflow.signalWithStart(orderFulfillment, {
      ...options(run),
      signal: orderCancelledSignal,
      signalArgs: [{ eventId: 'cancel-1', reason: 'fraud' }],
    });
    await expect(handle.result()).resolves.toMatchObject({
      outcome: 'cancelled',
      detail: 'cancelled in Shopify (fraud) before a shipment existed',
    });
    expect(run.names()).toEqual(['findShipbobOrderByReference']);
    expect(run.argsOf('findShipbobOrderByReference')).toEqual([['ch-1', '1001']]);
  }));

test('cancelled while the shipped parcel is being recorded: tracking written, a person alerted', () => {
  let release!: () => void;
  const trackingRead = new Promise<void>((resolve) => (release = resolve));
  return harness.run(
    {
      ...stubs(),
      getShipbobOrder: async (id) => {
        await trackingRead;
        return { id, shipments: [{ tracking: TRACKING }] };
      },
    },
    async (run) => {
      const handle = await run.client.workflow.start(orderFulfillment, options(run));
      await run.called('createShipbobOrder');
      await handle.signal(orderShippedSignal, { eventId: 'shipped-1' });
      await run.called('getShipbobOrder');
      await handle.signal(orderCancelledSignal, { eventId: 'cancel-1', reason: 'changed mind' });
      release();

      await expect(handle.result()).resolves.toMatchObject({ outcome: 'fulfilled', trackingNumber: '1Z999' });
      expect(run.names()).not.toContain('cancelShipbobOrder');
      expect(alerts(run)).toEqual([
        'Shopify order 1001 was cancelled (changed mind) but ShipBob had already shipped it: intercept the ' +
          'parcel or arrange a return',
      ]);
    },
  );
});

test('cancelled, but ShipBob can no longer cancel: the run fails and a person is alerted', () =>
  harness.run(
    { ...stubs(), cancelShipbobOrder: async () => ({ cancelled: false, status: 'Completed' }) },
    async (run) => {
      const handle = await run.client.workflow.start(orderFulfillment, options(run));
      await run.called('createShipbobOrder');
      await handle.signal(orderCancelledSignal, { eventId: 'cancel-1' });

      const failed = await handle.result().catch((err: unknown) => err);
      expect(failed).toBeInstanceOf(WorkflowFailedError);
      expect((failed as WorkflowFailedError).cause).toMatchObject({ type: 'CancelTooLate' });
      expect(alerts(run)).toEqual([expect.stringContaining('ShipBob order 555 could not be: Completed')]);
    },
  ));

test('no shipment within maxWait: the timer fires, a person is alerted and the run fails', () =>
  harness.run(stubs(), async (run) => {
    const handle = await run.client.workflow.start(orderFulfillment, options(run));

    const failed = await handle.result().catch((err: unknown) => err); // 30 days skipped
    expect((failed as WorkflowFailedError).cause).toMatchObject({
      type: 'ShipmentOverdue',
      message: 'ShipBob order 555 has not shipped after 30d',
    });
    expect(alerts(run)).toEqual(['ShipBob order 555 has not shipped after 30d']);
    const { startTime, closeTime } = await handle.describe();
    expect(closeTime!.getTime() - startTime.getTime()).toBeGreaterThanOrEqual(30 * 24 * 3600_000);
  }));
