/**
 * ShipBob webhooks: signed with the Standard Webhooks scheme (its own whsec_ secret), body
 * `{type, timestamp, data}` where data is the order (order.shipped and the order.shipment.* events);
 * the record is the order's reference_id, which order-fulfillment set to the Shopify order id.
 */
import { z } from 'zod';
import { verifyStandardWebhookSignature } from '../kit/standardWebhooks';
import { standardWebhookEvent, standardWebhookPayload } from '../standard/webhook';
import type { WebhookSourceDefinition } from '../kit/webhookSource';

const id = z.union([z.string(), z.number()]);
const text = z.string().nullish();

/** The order fields ShipBob sends with its order events, typed as it types them. */
const shipbobOrderData = z
  .object({
    order_id: id.optional(),
    reference_id: id,
    tracking_number: text,
    carrier: text,
    tracking: z.object({ tracking_number: text, carrier: text, tracking_url: text }).loose().nullish(),
  })
  .loose();

const shipbobPayloadSchema = standardWebhookPayload(z.record(z.string(), z.unknown())).superRefine(
  (body, ctx) => {
    if (!body.type.startsWith('order.')) return;
    const order = shipbobOrderData.safeParse(body.data);
    for (const issue of order.error?.issues ?? [])
      ctx.addIssue({ code: 'custom', message: issue.message, path: ['data', ...issue.path] });
  },
);

export const shipbobSource: WebhookSourceDefinition<typeof shipbobPayloadSchema> = {
  name: 'shipbob',
  verify: (req, config) => verifyStandardWebhookSignature(req, config.webhookSecrets.shipbob),
  envelope: shipbobPayloadSchema,
  toEvents: (body, req) => {
    const ref = body.data.reference_id;
    const recordId = typeof ref === 'string' || typeof ref === 'number' ? String(ref) : undefined;
    return [standardWebhookEvent('shipbob', body, req, recordId)];
  },
};
