/**
 * order-fulfillment field maps: Shopify order → ShipBob order (line items → products), and the ShipBob
 * shipment's tracking → Shopify fulfillment tracking_info. Typed with zod at both ends; pure, so they run
 * inside the workflow and show in GET /integrations.
 */
import { z } from 'zod';
import { applyFieldMap, FieldMap } from '../kit/fieldMap';

/** The parts of a Shopify order (Admin REST 2024-10) the map reads. */
export const shopifyOrderForShipmentSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string().nullish(),
  created_at: z.string().optional(),
  cancelled_at: z.string().nullish(),
  line_items: z.array(
    z.object({
      sku: z.string().nullish(),
      title: z.string(),
      quantity: z.number().int(),
      requires_shipping: z.boolean().optional(),
    }),
  ),
  shipping_address: z
    .object({
      name: z.string().nullish(),
      first_name: z.string().nullish(),
      last_name: z.string().nullish(),
      company: z.string().nullish(),
      address1: z.string().nullish(),
      address2: z.string().nullish(),
      city: z.string().nullish(),
      province_code: z.string().nullish(),
      zip: z.string().nullish(),
      country_code: z.string().nullish(),
      phone: z.string().nullish(),
    })
    .nullish(),
});
export type ShopifyOrderForShipment = z.infer<typeof shopifyOrderForShipmentSchema>;

/** The ShipBob 1.0 create-order body the map must produce. */
export const shipbobOrderRequestSchema = z.object({
  reference_id: z.coerce.string().min(1),
  order_number: z.string().min(1),
  type: z.literal('DTC'),
  shipping_method: z.string().min(1),
  purchase_date: z.string().optional(),
  recipient: z.object({
    name: z.string().min(1),
    email: z.string().optional(),
    phone_number: z.string().optional(),
    address: z.object({
      address1: z.string().min(1),
      address2: z.string().optional(),
      company_name: z.string().optional(),
      city: z.string().min(1),
      state: z.string().optional(),
      country: z.string().length(2),
      zip_code: z.string().optional(),
    }),
  }),
  products: z
    .array(
      z.object({ reference_id: z.string().min(1), name: z.string(), quantity: z.number().int().positive() }),
    )
    .min(1),
});
export type ShipbobOrderRequest = z.infer<typeof shipbobOrderRequestSchema>;

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

export const shipbobTrackingInputSchema = z.object({
  tracking_number: z.string().min(1),
  carrier: z.string().nullish(),
  tracking_url: z.string().nullish(),
});

export const shopifyTrackingInfoSchema = z.object({
  number: z.string().min(1),
  company: z.string().optional(),
  url: z.string().optional(),
});
export type ShopifyTrackingInfoOut = z.infer<typeof shopifyTrackingInfoSchema>;

export const SHIPBOB_TRACKING_TO_SHOPIFY: FieldMap = [
  { from: 'tracking_number', to: 'number', transform: 'trim' },
  { from: 'carrier', to: 'company', transform: 'emptyToUndefined' },
  { from: 'tracking_url', to: 'url', transform: 'emptyToUndefined' },
];

export type MappingResult<T> = { ok: true; value: T } | { ok: false; reason: string };

function firstIssue(error: z.ZodError, what: string): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || what}: ${issue?.message ?? 'invalid'}`;
}

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
  const parsed = shipbobOrderRequestSchema.safeParse({
    ...mapped,
    recipient,
    type: 'DTC',
    shipping_method: shippingMethod,
    products,
  });
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, reason: firstIssue(parsed.error, 'order') };
}

/** A ShipBob shipment's tracking → Shopify's `tracking_info`. */
export function mapShipbobTrackingToShopify(
  tracking: z.input<typeof shipbobTrackingInputSchema>,
): MappingResult<ShopifyTrackingInfoOut> {
  const input = shipbobTrackingInputSchema.safeParse(tracking);
  if (!input.success) return { ok: false, reason: firstIssue(input.error, 'tracking') };
  const parsed = shopifyTrackingInfoSchema.safeParse(applyFieldMap(SHIPBOB_TRACKING_TO_SHOPIFY, input.data));
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, reason: firstIssue(parsed.error, 'tracking') };
}
