import type { Config } from '../../config';
import {
  SHIPBOB_TRACKING_TO_SHOPIFY,
  SHOPIFY_LINE_ITEM_TO_SHIPBOB_PRODUCT,
  SHOPIFY_ORDER_TO_SHIPBOB,
} from './mapping';
import {
  orderCancelledSignal,
  orderFulfillment,
  orderShippedSignal,
  type OrderCancelledEvent,
  type OrderFulfillmentInput,
  type OrderShippedEvent,
} from './workflow';
import { defineIntegration, signalWith, type InboundEvent, type StartPlan } from '../kit/types';
import { shipbobOrderEventDataSchema } from '../../systems/shipbob/schemas';
import { shopifyOrderWebhookSchema } from '../../systems/shopify/schemas';

export const orderFulfillmentWorkflowId = (shopifyOrderId: string) =>
  `order-fulfillment/shopify/order-${shopifyOrderId}`;

function inputFor(orderId: string, config: Config): OrderFulfillmentInput {
  return {
    orderId,
    shipbobChannelId: config.orderFulfillment.shipbobChannelId,
    shippingMethod: config.orderFulfillment.shippingMethod,
    maxWait: config.orderFulfillment.maxWait,
  };
}

function shippedData(payload: unknown) {
  const inner = (payload as { data?: unknown } | null)?.data;
  const parsed = shipbobOrderEventDataSchema.safeParse(inner ?? payload);
  if (!parsed.success)
    throw new Error(`ShipBob order.shipped without a reference_id: ${parsed.error.message}`);
  return parsed.data;
}

function shopifyOrderId(event: InboundEvent): string {
  return event.recordId ?? String(shopifyOrderWebhookSchema.parse(event.payload).id);
}

export const orderFulfillmentIntegration = defineIntegration({
  id: 'order-fulfillment',
  title: 'E-commerce orders → 3PL shipments → tracking back on the order',
  description:
    'Every new Shopify order becomes a ShipBob order (reference id = Shopify order id). The run waits, ' +
    'durably, for ShipBob to ship it, then writes the tracking number back to Shopify as a fulfillment ' +
    '(the customer is notified by Shopify). An order cancelled in Shopify before it ships cancels the ' +
    'ShipBob order; one cancelled too late raises an alert for a person to intercept it.',
  workflow: orderFulfillment,
  /**
   * Shopify signs the body only, not the X-Shopify-Topic header: an orders/cancelled must carry the
   * cancellation in its signed body, or anyone replaying an old signed order body under that topic could
   * call a shipment back.
   */
  accepts(event) {
    if (event.source !== 'shopify' || event.eventType !== 'orders/cancelled') return true;
    const cancelledAt = (event.payload as { cancelled_at?: unknown } | null)?.cancelled_at;
    return typeof cancelledAt === 'string' && cancelledAt !== '';
  },
  triggers: {
    webhooks: [
      { source: 'shopify', eventTypes: ['orders/create', 'orders/cancelled'] },
      { source: 'shipbob', eventTypes: ['order.shipped'] },
    ],
  },
  from: { system: 'shopify', records: 'orders' },
  to: [
    { system: 'shipbob', records: 'orders (shipments)' },
    { system: 'shopify', records: 'fulfillments with tracking' },
  ],
  direction: 'round-trip',
  frequency:
    'real time: one run per order, from the orders/create webhook until shipped or cancelled (waits up to ORDER_FULFILLMENT_MAX_WAIT)',
  fieldMaps: {
    'shopify order → shipbob order': SHOPIFY_ORDER_TO_SHIPBOB,
    'shopify line item → shipbob product': SHOPIFY_LINE_ITEM_TO_SHIPBOB_PRODUCT,
    'shipbob shipment tracking → shopify fulfillment tracking_info': SHIPBOB_TRACKING_TO_SHOPIFY,
  },
  planFor(event, config): StartPlan<typeof orderFulfillment> {
    if (event.source === 'shipbob') {
      const data = shippedData(event.payload);
      const orderId = String(data.reference_id);
      const shipped: OrderShippedEvent = {
        eventId: event.eventId,
        shipbobOrderId: data.order_id === undefined ? undefined : Number(data.order_id),
        trackingNumber: data.tracking?.tracking_number ?? data.tracking_number ?? undefined,
        carrier: data.tracking?.carrier ?? data.carrier ?? undefined,
        trackingUrl: data.tracking?.tracking_url ?? undefined,
      };
      return {
        mode: 'signalWithStart',
        once: true,
        workflowId: orderFulfillmentWorkflowId(orderId),
        recordId: orderId,
        args: [inputFor(orderId, config)],
        ...signalWith(orderShippedSignal, shipped),
        summary: `Shopify order ${orderId} shipped by ShipBob: write tracking back`,
      };
    }
    const orderId = shopifyOrderId(event);
    if (event.eventType === 'orders/cancelled') {
      const cancelled: OrderCancelledEvent = {
        eventId: event.eventId,
        reason: shopifyOrderWebhookSchema.safeParse(event.payload).data?.cancel_reason ?? undefined,
      };
      // signalWithStart: a cancellation that overtakes its orders/create still reaches the order's run.
      // Not `once`: a cancellation after the run closed (already shipped) starts a run that finds the
      // shipment gone and alerts a person (CancelTooLate).
      return {
        mode: 'signalWithStart',
        workflowId: orderFulfillmentWorkflowId(orderId),
        recordId: orderId,
        args: [inputFor(orderId, config)],
        ...signalWith(orderCancelledSignal, cancelled),
        summary: `Shopify order ${orderId} cancelled: call the shipment back`,
      };
    }
    return {
      mode: 'start',
      workflowId: orderFulfillmentWorkflowId(orderId),
      recordId: orderId,
      args: [inputFor(orderId, config)],
      summary: `Ship Shopify order ${orderId} via ShipBob`,
    };
  },
});
