/**
 * ShipBob API 1.0 (https://developer.shipbob.com/api-reference/1.0): orders, their shipments and tracking,
 * cancellation. Bearer token from OAuth2 client credentials (the HTTP layer caches and refreshes it).
 * Orders belong to a sales channel, named by the `shipbob_channel_id` header.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { HttpClient } from '../../http/client';
import { numericId } from '../kit/ids';
import { firstZodIssue } from '../kit/zodIssue';
import {
  shipbobCancelResultSchema,
  ShipbobOrder,
  ShipbobOrderInput,
  shipbobOrderInputSchema,
  shipbobOrderSchema,
} from './schemas';

export interface ShipbobCancelOutcome {
  cancelled: boolean;
  status: string;
  reason?: string;
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
        throw ApplicationFailure.nonRetryable(
          `invalid ShipBob order: ${firstZodIssue(parsed.error, 'order')}`,
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
        path: `/1.0/order/${numericId(orderId, 'ShipBob')}`,
        schema: shipbobOrderSchema,
        nullOn: [404],
      });
    },

    /** Cancels the order's shipments. A shipment already on its way cannot be called back: reported, not thrown. */
    async cancelShipbobOrder(orderId: string | number): Promise<ShipbobCancelOutcome> {
      const res = await http.request('shipbob', {
        method: 'POST',
        path: `/1.0/order/${numericId(orderId, 'ShipBob')}/cancel`,
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
