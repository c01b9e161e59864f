/**
 * ShipBob's shapes (https://developer.shipbob.com/api-reference/1.0), declared once: orders, shipments and
 * tracking, the create-order body, cancellation, and the order webhooks. Pure zod: the webhook parser, the
 * connector, the order-fulfillment mapping and definition, and the stand-in all read them here.
 */
import { z } from 'zod';
import { boundedIdSchema, numericIdSchema } from '../kit/idSchemas';
import { standardWebhookPayload } from '../standard/schemas';

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
 * The merchant's id for an order (order-fulfillment: the Shopify order id). It names the workflow
 * (`order-fulfillment/shopify/order-<reference_id>`), so it is bounded whatever the merchant chose.
 */
const shipbobReferenceIdSchema = z.union([z.number(), boundedIdSchema('a ShipBob reference id')]);

/**
 * The `data` of ShipBob's order webhooks (order.shipped and the order.shipment.* events), typed as ShipBob
 * types it; the record is the order's reference_id.
 */
export const shipbobOrderEventDataSchema = z
  .object({
    order_id: numericIdSchema('a ShipBob order id').optional(),
    reference_id: shipbobReferenceIdSchema,
    tracking_number: z.string().nullish(),
    carrier: z.string().nullish(),
    tracking: shipbobTrackingSchema.nullish(),
  })
  .loose();
export type ShipbobOrderEventData = z.output<typeof shipbobOrderEventDataSchema>;

/** What any other event's data may name its record by: a reference_id, bounded the same way. */
const shipbobEventDataSchema = z.object({ reference_id: shipbobReferenceIdSchema.optional() }).loose();

/**
 * A webhook: the Standard Webhooks body `{type, timestamp, data}`; an order.* event carries the order data,
 * any event's reference_id becomes its record id.
 */
export const shipbobWebhookBodySchema = standardWebhookPayload(z.record(z.string(), z.unknown())).superRefine(
  (body, ctx) => {
    const schema = body.type.startsWith('order.') ? shipbobOrderEventDataSchema : shipbobEventDataSchema;
    const data = schema.safeParse(body.data);
    for (const issue of data.error?.issues ?? [])
      ctx.addIssue({ code: 'custom', message: issue.message, path: ['data', ...issue.path] });
  },
);
