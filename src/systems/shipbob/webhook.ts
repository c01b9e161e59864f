/**
 * ShipBob webhooks: signed with the Standard Webhooks scheme (its own whsec_ secret), body
 * `{type, timestamp, data}` where data is the order (order.shipped and the order.shipment.* events);
 * the record is the order's reference_id, which order-fulfillment set to the Shopify order id.
 */
import { verifyStandardWebhookSignature } from '../kit/standardWebhooks';
import { standardWebhookEvent } from '../standard/webhook';
import type { WebhookSourceDefinition } from '../kit/webhookSource';
import { shipbobWebhookBodySchema } from './schemas';

export const shipbobSource: WebhookSourceDefinition<typeof shipbobWebhookBodySchema> = {
  name: 'shipbob',
  verify: (req, config) => verifyStandardWebhookSignature(req, config.webhookSecrets.shipbob),
  envelope: shipbobWebhookBodySchema,
  toEvents: (body, req) => {
    const ref = body.data.reference_id;
    const recordId = typeof ref === 'string' || typeof ref === 'number' ? String(ref) : undefined;
    return [standardWebhookEvent('shipbob', body, req, recordId)];
  },
};
