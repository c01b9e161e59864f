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

/** Customers read per email search: the look-alikes a tokenized search returns besides the exact match. */
const SEARCH_PAGE_SIZE = 50;

/** The note with its `<key>: …` line set to `value`, every other line kept. */
export function withNoteLine(note: string | null | undefined, key: string, value: string): string {
  const line = `${key}: ${value}`;
  const lines = (note ?? '').split('\n').filter((l) => l !== '');
  const at = lines.findIndex((l) => l.startsWith(`${key}: `));
  if (at >= 0) lines[at] = line;
  else lines.push(line);
  return lines.join('\n');
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

    /**
     * The customer whose email is exactly this one (trimmed, case-insensitive), or null. Shopify's search
     * (`GET /customers/search.json?query=email:"…"`) is tokenized: even quoted, `ada@example.com` also
     * finds `ada@example.com.au`, so only an exact match among the results counts; anything else is no
     * match at all, never "the closest customer".
     */
    async findShopifyCustomerByEmail(email: string): Promise<ShopifyCustomer | null> {
      const wanted = email.trim().toLowerCase();
      const res = await http.request('shopify', {
        method: 'GET',
        path: '/customers/search.json',
        query: { query: `email:"${wanted.replace(/["\\]/g, '\\$&')}"`, limit: SEARCH_PAGE_SIZE },
        schema: shopifyResponses.customers,
      });
      return res.customers.find((c) => c.email?.trim().toLowerCase() === wanted) ?? null;
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
     * Shopify updates in place; without a default address a new default one is added). With `noteLine`,
     * the line `<key>: <value>` of the customer's note is set in the same write (replaced if the note has
     * one with that key, else appended): the merchant's own note text stays as it is. With
     * `unlessChangedSince` (the `updated_at` the caller read), nothing is written if the customer changed
     * since — someone else's newer edit is not overwritten — and the answer is null.
     */
    async updateShopifyCustomerAddress(
      customerId: string | number,
      address: Omit<ShopifyAddress, 'id' | 'default'>,
      noteLine?: { key: string; value: string },
      unlessChangedSince?: string,
    ): Promise<ShopifyCustomer | null> {
      const current = await http.request('shopify', {
        method: 'GET',
        path: `/customers/${numericId(customerId, 'Shopify')}.json`,
        schema: shopifyResponses.customer,
      });
      if (unlessChangedSince !== undefined && current.customer.updated_at !== unlessChangedSince) return null;
      const existingId = current.customer.default_address?.id;
      const res = await http.request('shopify', {
        method: 'PUT',
        path: `/customers/${numericId(customerId, 'Shopify')}.json`,
        json: {
          customer: {
            id: Number(customerId),
            addresses: [{ ...address, ...(existingId ? { id: existingId } : {}), default: true }],
            ...(noteLine ? { note: withNoteLine(current.customer.note, noteLine.key, noteLine.value) } : {}),
          },
        },
        schema: shopifyResponses.customer,
      });
      return res.customer;
    },
  };
}
