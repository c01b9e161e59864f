/**
 * Shopify Admin REST API 2024-10 shapes (https://shopify.dev/docs/api/admin-rest/2024-10), declared once:
 * orders, fulfillment orders, fulfillments, customers and their addresses, and webhook bodies. Pure zod:
 * the webhook parser, the connector, the mappings and definitions, and the stand-in all read them here.
 */
import { z } from 'zod';
import { numericIdSchema } from '../kit/idSchemas';

const id = z.number().int();

/**
 * Any webhook body: the resource itself (order, customer…), named by its numeric `id`, which names the
 * workflow (`order-fulfillment/shopify/order-<id>`); privacy topics carry none.
 */
export const shopifyWebhookResourceSchema = z
  .object({ id: numericIdSchema('a Shopify resource id').optional() })
  .loose();

/** An orders/* webhook body, as far as the integrations read it. */
export const shopifyOrderWebhookSchema = z.object({
  id: numericIdSchema('a Shopify order id'),
  name: z.string().optional(),
  cancel_reason: z.string().nullish(),
});

export const shopifyAddressSchema = z
  .object({
    id: id.optional(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    name: z.string().nullish(),
    company: z.string().nullish(),
    address1: z.string().nullish(),
    address2: z.string().nullish(),
    city: z.string().nullish(),
    province: z.string().nullish(),
    province_code: z.string().nullish(),
    zip: z.string().nullish(),
    country: z.string().nullish(),
    country_code: z.string().nullish(),
    phone: z.string().nullish(),
    default: z.boolean().optional(),
  })
  .loose();
export type ShopifyAddress = z.infer<typeof shopifyAddressSchema>;

export const shopifyLineItemSchema = z
  .object({
    id,
    sku: z.string().nullish(),
    title: z.string(),
    quantity: z.number().int(),
    variant_id: id.nullish(),
    requires_shipping: z.boolean().optional(),
  })
  .loose();

export const shopifyOrderSchema = z
  .object({
    id,
    name: z.string(),
    email: z.string().nullish(),
    created_at: z.string(),
    cancelled_at: z.string().nullish(),
    financial_status: z.string().nullish(),
    fulfillment_status: z.string().nullish(),
    line_items: z.array(shopifyLineItemSchema),
    shipping_address: shopifyAddressSchema.nullish(),
    customer: z.object({ id, email: z.string().nullish() }).loose().nullish(),
  })
  .loose();
export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;

export const shopifyFulfillmentOrderSchema = z
  .object({
    id,
    order_id: id,
    status: z.string(),
    assigned_location_id: id.nullish(),
    line_items: z.array(
      z.object({ id, line_item_id: id, quantity: z.number(), fulfillable_quantity: z.number() }).loose(),
    ),
  })
  .loose();
export type ShopifyFulfillmentOrder = z.infer<typeof shopifyFulfillmentOrderSchema>;

export const shopifyFulfillmentSchema = z
  .object({
    id,
    order_id: id,
    status: z.string(),
    tracking_company: z.string().nullish(),
    tracking_number: z.string().nullish(),
    tracking_numbers: z.array(z.string()).optional(),
    tracking_url: z.string().nullish(),
    created_at: z.string().optional(),
  })
  .loose();
export type ShopifyFulfillment = z.infer<typeof shopifyFulfillmentSchema>;

/** A fulfillment's `tracking_info` (POST /fulfillments.json). */
export const shopifyTrackingInfoSchema = z.object({
  number: z.string().min(1),
  company: z.string().optional(),
  url: z.string().optional(),
});
export type ShopifyTrackingInfo = z.infer<typeof shopifyTrackingInfoSchema>;

export const shopifyCustomerSchema = z
  .object({
    id,
    email: z.string().nullish(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    default_address: shopifyAddressSchema.nullish(),
    addresses: z.array(shopifyAddressSchema).optional(),
    /** The merchant's free-text note on the customer. */
    note: z.string().nullish(),
    updated_at: z.string().nullish(),
  })
  .loose();
export type ShopifyCustomer = z.infer<typeof shopifyCustomerSchema>;

/** Shopify wraps every answer in the resource's name. */
export const shopifyResponses = {
  order: z.object({ order: shopifyOrderSchema }),
  fulfillmentOrders: z.object({ fulfillment_orders: z.array(shopifyFulfillmentOrderSchema) }),
  fulfillments: z.object({ fulfillments: z.array(shopifyFulfillmentSchema) }),
  fulfillment: z.object({ fulfillment: shopifyFulfillmentSchema }),
  customers: z.object({ customers: z.array(shopifyCustomerSchema) }),
  customer: z.object({ customer: shopifyCustomerSchema }),
};
