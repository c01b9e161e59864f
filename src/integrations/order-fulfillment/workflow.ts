/**
 * order-fulfillment: Shopify order → ShipBob shipment → tracking back on the Shopify order.
 *
 * One run per order (`order-fulfillment/shopify/order-<id>`). It reads the order, creates the ShipBob
 * order (reference id = Shopify order id), then waits — durably, for days if need be, at no cost — for
 * `shipped` (ShipBob's order.shipped webhook) or `cancelled` (Shopify's orders/cancelled). Shipped: the
 * tracking number is written back as a Shopify fulfillment. Cancelled first: the ShipBob order is
 * cancelled (compensation). Signals may arrive before the order webhook (senders do not promise order),
 * so the run checks them before each step. An order with nothing to ship (digital goods only) completes
 * as `nothing to ship`: no ShipBob order, no alert.
 */
import type { Duration } from '@temporalio/common';
import {
  ApplicationFailure,
  condition,
  defineSignal,
  patched,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../../systems/activities';
import { mapShipbobTrackingToShopify, mapShopifyOrderToShipbob } from './mapping';
import { activityOptionsFor } from '../../systems/index';
import { alertOnFailure, sendAlert } from '../kit/failureAlert';
import { trackProgress } from '../kit/progress';

export interface OrderFulfillmentInput {
  /** The Shopify order id. */
  orderId: string;
  shipbobChannelId: string;
  shippingMethod: string;
  /** How long to wait for the shipment before a human is told, e.g. "30d". */
  maxWait: Duration;
}

export interface OrderShippedEvent {
  eventId: string;
  shipbobOrderId?: number;
  trackingNumber?: string;
  carrier?: string;
  trackingUrl?: string;
}

export interface OrderCancelledEvent {
  eventId: string;
  reason?: string;
}

export interface OrderFulfillmentResult {
  orderId: string;
  /** `nothing to ship`: every line item is digital (a download, a gift card): no 3PL order is needed. */
  outcome: 'fulfilled' | 'cancelled' | 'order-not-found' | 'nothing to ship';
  shipbobOrderId?: number;
  trackingNumber?: string;
  carrier?: string;
  fulfillmentId?: number;
  detail?: string;
}

export const orderShippedSignal = defineSignal<[OrderShippedEvent]>('shipped');
export const orderCancelledSignal = defineSignal<[OrderCancelledEvent]>('cancelled');

const shopify = proxyActivities<Pick<Activities, 'getShopifyOrder' | 'fulfillShopifyOrder'>>(
  activityOptionsFor('shopify'),
);
const shipbob = proxyActivities<
  Pick<
    Activities,
    'createShipbobOrder' | 'getShipbobOrder' | 'findShipbobOrderByReference' | 'cancelShipbobOrder'
  >
>(activityOptionsFor('shipbob'));

export async function orderFulfillment(input: OrderFulfillmentInput): Promise<OrderFulfillmentResult> {
  const { orderId } = input;
  const result: OrderFulfillmentResult = { orderId, outcome: 'order-not-found' };
  const progress = trackProgress('order-fulfillment', result as unknown as Record<string, unknown>);
  let shipped: OrderShippedEvent | undefined;
  let cancelled: OrderCancelledEvent | undefined;
  setHandler(orderShippedSignal, (e) => void (shipped ??= e));
  setHandler(orderCancelledSignal, (e) => void (cancelled ??= e));

  return alertOnFailure(progress, orderId, async () => {
    let shipbobOrderId: number | undefined;

    if (!shipped) {
      if (cancelled) return compensate(input, result, progress, undefined, cancelled);
      progress.stage = 'reading the order';
      const order = await shopify.getShopifyOrder.executeWithOptions(
        { summary: `Read Shopify order ${orderId}` },
        [orderId],
      );
      progress.step('read Shopify order');
      if (!order) {
        result.detail = 'the order no longer exists in Shopify';
        return done(progress, result);
      }
      if (order.cancelled_at || cancelled) {
        return compensate(input, result, progress, undefined, cancelled ?? { eventId: 'order-state' });
      }
      // Added after runs were recorded: a digital-only order used to fail as unshippable.
      if (!order.line_items.some((li) => li.requires_shipping !== false) && patched('nothing-to-ship')) {
        result.outcome = 'nothing to ship';
        result.detail = `no line item of order ${order.name} requires shipping`;
        progress.step('nothing to ship');
        return done(progress, result);
      }
      const mapped = mapShopifyOrderToShipbob(order, input.shippingMethod);
      if (!mapped.ok) {
        throw ApplicationFailure.nonRetryable(
          `Shopify order ${orderId} cannot be sent to ShipBob: ${mapped.reason}`,
          'UnshippableOrder',
        );
      }
      progress.stage = 'creating the shipment';
      const created = await shipbob.createShipbobOrder.executeWithOptions(
        {
          summary: `Create ShipBob order for Shopify order ${order.name} (${mapped.value.products.length} product(s))`,
        },
        [input.shipbobChannelId, mapped.value],
      );
      shipbobOrderId = result.shipbobOrderId = created.id;
      progress.step(`created ShipBob order ${created.id}`);

      progress.stage = 'waiting for the shipment';
      const settled = await condition(() => shipped !== undefined || cancelled !== undefined, input.maxWait, {
        summary: `Wait up to ${String(input.maxWait)} for ShipBob order ${created.id} to ship`,
      });
      if (!settled) {
        throw ApplicationFailure.nonRetryable(
          `ShipBob order ${created.id} has not shipped after ${String(input.maxWait)}`,
          'ShipmentOverdue',
        );
      }
      if (!shipped && cancelled) return compensate(input, result, progress, created.id, cancelled);
    }

    const fulfilled = await writeTracking(input, result, progress, shipped!, shipbobOrderId);
    // Cancelled in the store while ShipBob was shipping it: the parcel is on its way, a person decides.
    if (cancelled) {
      await sendAlert(
        'order-fulfillment',
        orderId,
        `Shopify order ${orderId} was cancelled (${cancelled.reason ?? 'no reason given'}) but ShipBob had ` +
          'already shipped it: intercept the parcel or arrange a return',
      );
    }
    return fulfilled;
  });
}

type Progress = ReturnType<typeof trackProgress>;

function done(progress: Progress, result: OrderFulfillmentResult): OrderFulfillmentResult {
  progress.stage = 'completed';
  return result;
}

/** The order was cancelled before it shipped: call the shipment back, if there is one. */
async function compensate(
  input: OrderFulfillmentInput,
  result: OrderFulfillmentResult,
  progress: Progress,
  knownShipbobOrderId: number | undefined,
  cancelled: OrderCancelledEvent,
): Promise<OrderFulfillmentResult> {
  progress.stage = 'cancelling the shipment';
  result.outcome = 'cancelled';
  let shipbobOrderId = knownShipbobOrderId;
  if (shipbobOrderId === undefined) {
    // An earlier run (or a lost response) may have created it: ShipBob knows it by our reference id.
    const existing = await shipbob.findShipbobOrderByReference.executeWithOptions(
      { summary: `Look up the ShipBob order for Shopify order ${input.orderId}` },
      [input.shipbobChannelId, input.orderId],
    );
    shipbobOrderId = existing?.id;
  }
  if (shipbobOrderId === undefined) {
    result.detail = `cancelled in Shopify (${cancelled.reason ?? 'no reason given'}) before a shipment existed`;
    progress.step('nothing to cancel at ShipBob');
    return done(progress, result);
  }
  result.shipbobOrderId = shipbobOrderId;
  const outcome = await shipbob.cancelShipbobOrder.executeWithOptions(
    { summary: `Cancel ShipBob order ${shipbobOrderId} (Shopify order ${input.orderId} was cancelled)` },
    [shipbobOrderId],
  );
  if (!outcome.cancelled) {
    // Cancelled in the store but already on its way: a person has to intercept or refund it.
    throw ApplicationFailure.nonRetryable(
      `Shopify order ${input.orderId} was cancelled but ShipBob order ${shipbobOrderId} could not be: ${outcome.reason ?? outcome.status}`,
      'CancelTooLate',
    );
  }
  result.detail = `ShipBob order ${shipbobOrderId} cancelled`;
  progress.step(`cancelled ShipBob order ${shipbobOrderId}`);
  return done(progress, result);
}

/** ShipBob shipped it: its own record of the shipment is the source of the tracking number. */
async function writeTracking(
  input: OrderFulfillmentInput,
  result: OrderFulfillmentResult,
  progress: Progress,
  shipped: OrderShippedEvent,
  knownShipbobOrderId: number | undefined,
): Promise<OrderFulfillmentResult> {
  progress.stage = 'writing tracking to Shopify';
  const shipbobOrderId = knownShipbobOrderId ?? shipped.shipbobOrderId;
  const order =
    shipbobOrderId === undefined
      ? null
      : await shipbob.getShipbobOrder.executeWithOptions(
          { summary: `Read ShipBob order ${shipbobOrderId} for its tracking` },
          [shipbobOrderId],
        );
  const tracking = order?.shipments.find((s) => s.tracking?.tracking_number)?.tracking;
  const mapped = mapShipbobTrackingToShopify({
    tracking_number: tracking?.tracking_number ?? shipped.trackingNumber ?? '',
    carrier: tracking?.carrier ?? shipped.carrier,
    tracking_url: tracking?.tracking_url ?? shipped.trackingUrl,
  });
  if (!mapped.ok) {
    throw ApplicationFailure.nonRetryable(
      `ShipBob reported order ${input.orderId} shipped without tracking: ${mapped.reason}`,
      'MissingTracking',
    );
  }
  result.shipbobOrderId = shipbobOrderId;
  result.trackingNumber = mapped.value.number;
  result.carrier = mapped.value.company;
  const fulfilled = await shopify.fulfillShopifyOrder.executeWithOptions(
    {
      summary: `Fulfill Shopify order ${input.orderId} with ${mapped.value.company ?? 'carrier'} tracking ${mapped.value.number}`,
    },
    [input.orderId, mapped.value],
  );
  result.outcome = 'fulfilled';
  result.fulfillmentId = fulfilled.fulfillment?.id;
  result.detail = `Shopify fulfillment ${fulfilled.outcome}`;
  progress.step(`Shopify fulfillment ${fulfilled.outcome}`);
  return done(progress, result);
}
