/**
 * Shopify Admin REST API 2024-10 (https://shopify.dev/docs/api/admin-rest/2024-10): orders, fulfillment
 * orders, fulfillments and customer addresses. The base URL stands for
 * `https://{shop}.myshopify.com/admin/api/2024-10`; the access token travels in `X-Shopify-Access-Token`.
 */
import { z } from 'zod';
import type { HttpClient } from '../../http/client';

const id = z.number().int();

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

export const shopifyCustomerSchema = z
  .object({
    id,
    email: z.string().nullish(),
    first_name: z.string().nullish(),
    last_name: z.string().nullish(),
    default_address: shopifyAddressSchema.nullish(),
    addresses: z.array(shopifyAddressSchema).optional(),
  })
  .loose();
export type ShopifyCustomer = z.infer<typeof shopifyCustomerSchema>;

export interface ShopifyTrackingInfo {
  number: string;
  company?: string;
  url?: string;
}

export interface ShopifyFulfillmentOutcome {
  /** `created` now, `existing` when an earlier attempt already fulfilled it with this tracking number. */
  outcome: 'created' | 'existing' | 'nothing-to-fulfill';
  fulfillment?: ShopifyFulfillment;
}

/** Fulfillment orders Shopify still lets us fulfill. */
const FULFILLABLE = ['open', 'in_progress'];

/** Shopify order ids are numbers, never paths: refuse anything else before it reaches a URL. */
function numericId(value: string | number): string {
  const s = String(value);
  if (!/^\d+$/.test(s)) throw new TypeError(`not a Shopify id: ${s.slice(0, 40)}`);
  return s;
}

export function createShopifyActivities(http: HttpClient) {
  const listFulfillmentOrders = async (orderId: string | number) =>
    (
      await http.request('shopify', {
        method: 'GET',
        path: `/orders/${numericId(orderId)}/fulfillment_orders.json`,
        schema: z.object({ fulfillment_orders: z.array(shopifyFulfillmentOrderSchema) }),
      })
    ).fulfillment_orders;
  const listFulfillments = async (orderId: string | number) =>
    (
      await http.request('shopify', {
        method: 'GET',
        path: `/orders/${numericId(orderId)}/fulfillments.json`,
        schema: z.object({ fulfillments: z.array(shopifyFulfillmentSchema) }),
      })
    ).fulfillments;

  return {
    /** The order as it is now, or null when the shop no longer has it. */
    async getShopifyOrder(orderId: string | number): Promise<ShopifyOrder | null> {
      const res = await http.request('shopify', {
        method: 'GET',
        path: `/orders/${numericId(orderId)}.json`,
        schema: z.object({ order: shopifyOrderSchema }),
        nullOn: [404],
      });
      return res?.order ?? null;
    },

    async listShopifyFulfillmentOrders(orderId: string | number): Promise<ShopifyFulfillmentOrder[]> {
      return listFulfillmentOrders(orderId);
    },

    async listShopifyFulfillments(orderId: string | number): Promise<ShopifyFulfillment[]> {
      return listFulfillments(orderId);
    },

    /**
     * Fulfills every open fulfillment order of the order with one tracking number (POST /fulfillments.json).
     * Shopify's REST API ignores Idempotency-Key, so the call is made idempotent here: when nothing is left
     * to fulfill and a fulfillment with this tracking number exists, an earlier attempt succeeded.
     */
    async fulfillShopifyOrder(
      orderId: string | number,
      tracking: ShopifyTrackingInfo,
      notifyCustomer = true,
    ): Promise<ShopifyFulfillmentOutcome> {
      const open = (await listFulfillmentOrders(orderId)).filter((fo) => FULFILLABLE.includes(fo.status));
      if (open.length === 0) {
        const earlier = (await listFulfillments(orderId)).find(
          (f) => f.tracking_number === tracking.number || f.tracking_numbers?.includes(tracking.number),
        );
        return earlier ? { outcome: 'existing', fulfillment: earlier } : { outcome: 'nothing-to-fulfill' };
      }
      const res = await http.request('shopify', {
        method: 'POST',
        path: '/fulfillments.json',
        json: {
          fulfillment: {
            line_items_by_fulfillment_order: open.map((fo) => ({ fulfillment_order_id: fo.id })),
            tracking_info: tracking,
            notify_customer: notifyCustomer,
          },
        },
        schema: z.object({ fulfillment: shopifyFulfillmentSchema }),
      });
      return { outcome: 'created', fulfillment: res.fulfillment };
    },

    /** `GET /customers/search.json?query=email:…`: the customer with this email, if the shop has one. */
    async findShopifyCustomerByEmail(email: string): Promise<ShopifyCustomer | null> {
      const res = await http.request('shopify', {
        method: 'GET',
        path: '/customers/search.json',
        query: { query: `email:${email}`, limit: 1 },
        schema: z.object({ customers: z.array(shopifyCustomerSchema) }),
      });
      return res.customers[0] ?? null;
    },

    async getShopifyCustomer(customerId: string | number): Promise<ShopifyCustomer | null> {
      const res = await http.request('shopify', {
        method: 'GET',
        path: `/customers/${numericId(customerId)}.json`,
        schema: z.object({ customer: shopifyCustomerSchema }),
        nullOn: [404],
      });
      return res?.customer ?? null;
    },

    /**
     * Sets the customer's default address (PUT /customers/{id}.json with the address and its id, which
     * Shopify updates in place; without a default address a new default one is added).
     */
    async updateShopifyCustomerAddress(
      customerId: string | number,
      address: Omit<ShopifyAddress, 'id' | 'default'>,
    ): Promise<ShopifyCustomer> {
      const current = await http.request('shopify', {
        method: 'GET',
        path: `/customers/${numericId(customerId)}.json`,
        schema: z.object({ customer: shopifyCustomerSchema }),
      });
      const existingId = current.customer.default_address?.id;
      const res = await http.request('shopify', {
        method: 'PUT',
        path: `/customers/${numericId(customerId)}.json`,
        json: {
          customer: {
            id: Number(customerId),
            addresses: [{ ...address, ...(existingId ? { id: existingId } : {}), default: true }],
          },
        },
        schema: z.object({ customer: shopifyCustomerSchema }),
      });
      return res.customer;
    },
  };
}
