/**
 * order-fulfillment field maps: Shopify order → ShipBob order (line items → products), and the ShipBob
 * shipment's tracking → Shopify fulfillment tracking_info. Typed with zod at both ends; pure, so they run
 * inside the workflow and show in GET /integrations.
 */
import { z } from 'zod';
import { firstZodIssue } from '../../systems/kit/zodIssue';
import { shipbobOrderInputSchema, shipbobTrackingSchema } from '../../systems/shipbob/schemas';
import {
  type ShopifyOrder,
  type ShopifyTrackingInfo,
  shopifyTrackingInfoSchema,
} from '../../systems/shopify/schemas';
import { applyFieldMap, FieldMap } from '../kit/fieldMap';

/** The parts of a Shopify order the map reads. */
export type ShopifyOrderForShipment = Pick<
  ShopifyOrder,
  'id' | 'name' | 'email' | 'created_at' | 'shipping_address'
> & {
  line_items: Pick<ShopifyOrder['line_items'][number], 'sku' | 'title' | 'quantity' | 'requires_shipping'>[];
};

/**
 * ShipBob's create-order body, with what this map adds: the reference is the Shopify order id (a number
 * in Shopify), and the order number (Shopify's name, "#1001") is always there.
 */
const shipbobOrderFromShopifySchema = shipbobOrderInputSchema.extend({
  reference_id: z.coerce.string().min(1),
  order_number: z.string().min(1),
});
export type ShipbobOrderRequest = z.infer<typeof shipbobOrderFromShopifySchema>;

export const SHOPIFY_ORDER_TO_SHIPBOB: FieldMap = [
  { from: 'id', to: 'reference_id' },
  { from: 'name', to: 'order_number', transform: 'trim' },
  { from: 'created_at', to: 'purchase_date' },
  { from: 'email', to: 'recipient.email', transform: 'lowercase' },
  { from: 'shipping_address.name', to: 'recipient.name', transform: 'trim' },
  { from: 'shipping_address.phone', to: 'recipient.phone_number', transform: 'emptyToUndefined' },
  { from: 'shipping_address.address1', to: 'recipient.address.address1', transform: 'trim' },
  { from: 'shipping_address.address2', to: 'recipient.address.address2', transform: 'emptyToUndefined' },
  { from: 'shipping_address.company', to: 'recipient.address.company_name', transform: 'emptyToUndefined' },
  { from: 'shipping_address.city', to: 'recipient.address.city', transform: 'trim' },
  { from: 'shipping_address.province_code', to: 'recipient.address.state', transform: 'uppercase' },
  { from: 'shipping_address.zip', to: 'recipient.address.zip_code', transform: 'trim' },
  { from: 'shipping_address.country_code', to: 'recipient.address.country', transform: 'uppercase' },
];

/** Applied to each line item that needs shipping; the SKU is the product's reference id at ShipBob. */
export const SHOPIFY_LINE_ITEM_TO_SHIPBOB_PRODUCT: FieldMap = [
  { from: 'sku', to: 'reference_id', transform: 'trim' },
  { from: 'title', to: 'name', transform: 'trim' },
  { from: 'quantity', to: 'quantity' },
];

/** ShipBob's tracking, of which the map needs at least the number. */
const shipbobTrackingInputSchema = shipbobTrackingSchema
  .pick({ tracking_number: true, carrier: true, tracking_url: true })
  .extend({ tracking_number: z.string().min(1) });

export const SHIPBOB_TRACKING_TO_SHOPIFY: FieldMap = [
  { from: 'tracking_number', to: 'number', transform: 'trim' },
  { from: 'carrier', to: 'company', transform: 'emptyToUndefined' },
  { from: 'tracking_url', to: 'url', transform: 'emptyToUndefined' },
];

export type MappingResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A Shopify order → the ShipBob order to create; an order that cannot be shipped says why. */
export function mapShopifyOrderToShipbob(
  order: ShopifyOrderForShipment,
  shippingMethod: string,
): MappingResult<ShipbobOrderRequest> {
  const mapped = applyFieldMap(SHOPIFY_ORDER_TO_SHIPBOB, order);
  const address = order.shipping_address;
  const recipient = (mapped.recipient ?? {}) as Record<string, unknown>;
  // Shopify fills `name` from first/last name, but API-created orders may carry only the parts.
  if (!recipient.name && address) {
    const name = [address.first_name, address.last_name].filter(Boolean).join(' ').trim();
    if (name) recipient.name = name;
  }
  const products = order.line_items
    .filter((li) => li.requires_shipping !== false)
    .map((li) => applyFieldMap(SHOPIFY_LINE_ITEM_TO_SHIPBOB_PRODUCT, li));
  const parsed = shipbobOrderFromShopifySchema.safeParse({
    ...mapped,
    recipient,
    type: 'DTC',
    shipping_method: shippingMethod,
    products,
  });
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, reason: firstZodIssue(parsed.error, 'order') };
}

/** A ShipBob shipment's tracking → Shopify's `tracking_info`. */
export function mapShipbobTrackingToShopify(
  tracking: z.input<typeof shipbobTrackingInputSchema>,
): MappingResult<ShopifyTrackingInfo> {
  const input = shipbobTrackingInputSchema.safeParse(tracking);
  if (!input.success) return { ok: false, reason: firstZodIssue(input.error, 'tracking') };
  const parsed = shopifyTrackingInfoSchema.safeParse(applyFieldMap(SHIPBOB_TRACKING_TO_SHOPIFY, input.data));
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, reason: firstZodIssue(parsed.error, 'tracking') };
}
