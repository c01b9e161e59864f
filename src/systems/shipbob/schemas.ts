/**
 * ShipBob's shapes (https://developer.shipbob.com/api-reference/1.0), declared once: orders, shipments and
 * tracking, the create-order body, cancellation, and the order webhooks. Pure zod: the webhook parser, the
 * connector, the order-fulfillment mapping and definition, and the stand-in all read them here.
 */
import { z } from 'zod';
import { standardWebhookPayload } from '../standard/schemas';

const numberOrString = z.union([z.string(), z.number()]);

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

export const shipbobAddressSchema = z
  .object({
    address1: z.string().min(1),
    address2: z.string().nullish(),
    company_name: z.string().nullish(),
    city: z.string().min(1),
    state: z.string().nullish(),
    /** ISO 3166-1 alpha-2. */
    country: z.string().length(2),
    zip_code: z.string().nullish(),
  })
  .loose();

/** The body of POST /1.0/order. */
export const shipbobOrderInputSchema = z.object({
  /** Unique per channel: our id for the order (order-fulfillment: the Shopify order id). */
  reference_id: z.string().min(1),
  order_number: z.string().min(1).optional(),
  type: z.enum(['DTC', 'B2B', 'DropShip']).default('DTC'),
  shipping_method: z.string().min(1),
  purchase_date: z.string().optional(),
  recipient: z.object({
    name: z.string().min(1),
    email: z.string().optional(),
    phone_number: z.string().optional(),
    address: shipbobAddressSchema,
  }),
  products: z
    .array(
      z.object({ reference_id: z.string().min(1), name: z.string(), quantity: z.number().int().positive() }),
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

/**
 * The `data` of ShipBob's order webhooks (order.shipped and the order.shipment.* events), typed as ShipBob
 * types it; the record is the order's reference_id.
 */
export const shipbobOrderEventDataSchema = z
  .object({
    order_id: numberOrString.optional(),
    reference_id: numberOrString,
    tracking_number: z.string().nullish(),
    carrier: z.string().nullish(),
    tracking: shipbobTrackingSchema.nullish(),
  })
  .loose();
export type ShipbobOrderEventData = z.output<typeof shipbobOrderEventDataSchema>;

/** A webhook: the Standard Webhooks body `{type, timestamp, data}`; an order.* event carries the order data. */
export const shipbobWebhookBodySchema = standardWebhookPayload(z.record(z.string(), z.unknown())).superRefine(
  (body, ctx) => {
    if (!body.type.startsWith('order.')) return;
    const order = shipbobOrderEventDataSchema.safeParse(body.data);
    for (const issue of order.error?.issues ?? [])
      ctx.addIssue({ code: 'custom', message: issue.message, path: ['data', ...issue.path] });
  },
);
