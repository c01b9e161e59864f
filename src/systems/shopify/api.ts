/**
 * Shopify Admin REST API 2024-10 (https://shopify.dev/docs/api/admin-rest/2024-10): orders, fulfillment
 * orders, fulfillments and customer addresses. The base URL stands for
 * `https://{shop}.myshopify.com/admin/api/2024-10`; the access token travels in `X-Shopify-Access-Token`.
 */
import type { HttpClient } from '../../http/client';
import { numericId } from '../kit/ids';
import {
  ShopifyAddress,
  ShopifyCustomer,
  ShopifyFulfillment,
  ShopifyFulfillmentOrder,
  ShopifyOrder,
  shopifyResponses,
  ShopifyTrackingInfo,
} from './schemas';

export interface ShopifyFulfillmentOutcome {
  /** `created` now, `existing` when an earlier attempt already fulfilled it with this tracking number. */
  outcome: 'created' | 'existing' | 'nothing-to-fulfill';
  fulfillment?: ShopifyFulfillment;
}

/** Fulfillment orders Shopify still lets us fulfill. */
const FULFILLABLE = ['open', 'in_progress'];

export function createShopifyActivities(http: HttpClient) {
  const listFulfillmentOrders = async (orderId: string | number) =>
    (
      await http.request('shopify', {
        method: 'GET',
        path: `/orders/${numericId(orderId, 'Shopify')}/fulfillment_orders.json`,
        schema: shopifyResponses.fulfillmentOrders,
      })
    ).fulfillment_orders;
  const listFulfillments = async (orderId: string | number) =>
    (
      await http.request('shopify', {
        method: 'GET',
        path: `/orders/${numericId(orderId, 'Shopify')}/fulfillments.json`,
        schema: shopifyResponses.fulfillments,
      })
    ).fulfillments;

  return {
    /** The order as it is now, or null when the shop no longer has it. */
    async getShopifyOrder(orderId: string | number): Promise<ShopifyOrder | null> {
      const res = await http.request('shopify', {
        method: 'GET',
        path: `/orders/${numericId(orderId, 'Shopify')}.json`,
        schema: shopifyResponses.order,
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
        schema: shopifyResponses.fulfillment,
      });
      return { outcome: 'created', fulfillment: res.fulfillment };
    },

    /** `GET /customers/search.json?query=email:…`: the customer with this email, if the shop has one. */
    async findShopifyCustomerByEmail(email: string): Promise<ShopifyCustomer | null> {
      const res = await http.request('shopify', {
        method: 'GET',
        path: '/customers/search.json',
        query: { query: `email:${email}`, limit: 1 },
        schema: shopifyResponses.customers,
      });
      return res.customers[0] ?? null;
    },

    async getShopifyCustomer(customerId: string | number): Promise<ShopifyCustomer | null> {
      const res = await http.request('shopify', {
        method: 'GET',
        path: `/customers/${numericId(customerId, 'Shopify')}.json`,
        schema: shopifyResponses.customer,
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
        path: `/customers/${numericId(customerId, 'Shopify')}.json`,
        schema: shopifyResponses.customer,
      });
      const existingId = current.customer.default_address?.id;
      const res = await http.request('shopify', {
        method: 'PUT',
        path: `/customers/${numericId(customerId, 'Shopify')}.json`,
        json: {
          customer: {
            id: Number(customerId),
            addresses: [{ ...address, ...(existingId ? { id: existingId } : {}), default: true }],
          },
        },
        schema: shopifyResponses.customer,
      });
      return res.customer;
    },
  };
}
