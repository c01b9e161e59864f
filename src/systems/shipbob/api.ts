/**
 * ShipBob API 1.0 (https://developer.shipbob.com/api-reference/1.0): orders, their shipments and tracking,
 * cancellation. Bearer token from OAuth2 client credentials (the HTTP layer caches and refreshes it).
 * Orders belong to a sales channel, named by the `shipbob_channel_id` header.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { HttpClient } from '../../http/client';

export const shipbobAddressSchema = z
  .object({
    address1: z.string(),
    address2: z.string().nullish(),
    company_name: z.string().nullish(),
    city: z.string(),
    state: z.string().nullish(),
    country: z.string(),
    zip_code: z.string().nullish(),
  })
  .loose();

export const shipbobTrackingSchema = z
  .object({
    carrier: z.string().nullish(),
    tracking_number: z.string().nullish(),
    tracking_url: z.string().nullish(),
    shipping_date: z.string().nullish(),
  })
  .loose();
export type ShipbobTracking = z.infer<typeof shipbobTrackingSchema>;

export const shipbobShipmentSchema = z
  .object({
    id: z.number().int(),
    order_id: z.number().int(),
    reference_id: z.string().nullish(),
    status: z.string(),
    tracking: shipbobTrackingSchema.nullish(),
  })
  .loose();

export const shipbobOrderSchema = z
  .object({
    id: z.number().int(),
    reference_id: z.string(),
    order_number: z.string().nullish(),
    status: z.string(),
    type: z.string().optional(),
    channel: z.object({ id: z.number().int(), name: z.string().nullish() }).loose().nullish(),
    shipping_method: z.string().nullish(),
    created_date: z.string().optional(),
    shipments: z.array(shipbobShipmentSchema).default([]),
  })
  .loose();
export type ShipbobOrder = z.infer<typeof shipbobOrderSchema>;

/** The body of POST /1.0/order, as ShipBob documents it. */
export const shipbobOrderInputSchema = z.object({
  reference_id: z.string().min(1),
  order_number: z.string().optional(),
  type: z.enum(['DTC', 'B2B', 'DropShip']).default('DTC'),
  shipping_method: z.string().min(1),
  recipient: z.object({
    name: z.string().min(1),
    email: z.string().optional(),
    phone_number: z.string().optional(),
    address: shipbobAddressSchema,
  }),
  products: z
    .array(
      z.object({ reference_id: z.string().min(1), quantity: z.number().int().positive(), name: z.string() }),
    )
    .min(1),
});
export type ShipbobOrderInput = z.input<typeof shipbobOrderInputSchema>;

export const shipbobCancelResultSchema = z
  .object({
    order_id: z.number().int(),
    status: z.string(),
    canceled_shipment_results: z
      .array(
        z
          .object({
            shipment_id: z.number().int(),
            is_success: z.boolean(),
            reason: z.string().nullish(),
          })
          .loose(),
      )
      .default([]),
  })
  .loose();

export interface ShipbobCancelOutcome {
  cancelled: boolean;
  status: string;
  reason?: string;
}

function numericId(value: string | number): string {
  const s = String(value);
  if (!/^\d+$/.test(s)) throw new TypeError(`not a ShipBob id: ${s.slice(0, 40)}`);
  return s;
}

export function createShipbobActivities(http: HttpClient) {
  const findByReference = async (channelId: string, referenceId: string) =>
    http.request('shipbob', {
      method: 'GET',
      path: '/1.0/order',
      query: { ReferenceIds: referenceId },
      headers: { shipbob_channel_id: channelId },
      schema: z.array(shipbobOrderSchema),
    });

  return {
    /** The channel's order with this reference id (our id for it in the store), or null. */
    async findShipbobOrderByReference(channelId: string, referenceId: string): Promise<ShipbobOrder | null> {
      return (await findByReference(channelId, referenceId))[0] ?? null;
    },

    /**
     * Creates the order at ShipBob, once: ShipBob keeps reference ids unique per channel, so a retry after a
     * lost response finds the order the first attempt created instead of failing on the duplicate.
     */
    async createShipbobOrder(channelId: string, order: ShipbobOrderInput): Promise<ShipbobOrder> {
      const parsed = shipbobOrderInputSchema.safeParse(order);
      if (!parsed.success) {
        // A bad order is a mapping bug or bad store data: retrying cannot fix it.
        const issue = parsed.error.issues[0];
        throw ApplicationFailure.nonRetryable(
          `invalid ShipBob order: ${issue?.path.join('.') || 'order'}: ${issue?.message ?? 'invalid'}`,
          'InvalidInputError',
        );
      }
      const body = parsed.data;
      const existing = (await findByReference(channelId, body.reference_id))[0];
      if (existing) return existing;
      return http.request('shipbob', {
        method: 'POST',
        path: '/1.0/order',
        headers: { shipbob_channel_id: channelId },
        json: body,
        schema: shipbobOrderSchema,
      });
    },

    async getShipbobOrder(orderId: string | number): Promise<ShipbobOrder | null> {
      return http.request('shipbob', {
        method: 'GET',
        path: `/1.0/order/${numericId(orderId)}`,
        schema: shipbobOrderSchema,
        nullOn: [404],
      });
    },

    /** Cancels the order's shipments. A shipment already on its way cannot be called back: reported, not thrown. */
    async cancelShipbobOrder(orderId: string | number): Promise<ShipbobCancelOutcome> {
      const res = await http.request('shipbob', {
        method: 'POST',
        path: `/1.0/order/${numericId(orderId)}/cancel`,
        schema: shipbobCancelResultSchema,
      });
      const failed = res.canceled_shipment_results.find((r) => !r.is_success);
      return {
        cancelled: res.status === 'Success',
        status: res.status,
        ...(failed?.reason ? { reason: failed.reason } : {}),
      };
    },
  };
}
