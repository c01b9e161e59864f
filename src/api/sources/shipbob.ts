/**
 * ShipBob webhooks: signed with the Standard Webhooks scheme (its own whsec_ secret), body
 * `{type, timestamp, data}` where data is the order; the record is the order's reference_id, which
 * order-fulfillment set to the Shopify order id.
 */
import { z } from 'zod';
import { verifyStandardWebhookSignature } from '../verify/standardWebhooks';
import { standardWebhookEvent, standardWebhookPayload } from './standard';
import type { WebhookSourceDefinition } from './types';

const shipbobPayloadSchema = standardWebhookPayload(
  z.object({ reference_id: z.union([z.string(), z.number()]).optional() }).loose(),
).refine((body) => !body.type.startsWith('order.') || body.data.reference_id !== undefined, {
  message: 'a ShipBob order event names the order by reference_id',
  path: ['data', 'reference_id'],
});

export const shipbobSource: WebhookSourceDefinition<typeof shipbobPayloadSchema> = {
  name: 'shipbob',
  verify: (req, config) => verifyStandardWebhookSignature(req, config.webhookSecrets.shipbob),
  envelope: shipbobPayloadSchema,
  toEvents: (body, req) => {
    const ref = body.data.reference_id;
    return [standardWebhookEvent('shipbob', body, req, ref === undefined ? undefined : String(ref))];
  },
};
