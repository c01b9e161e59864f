/** Shopify webhooks: the topic and ids travel in headers, the body is the resource (order, customer…). */
import { badRequest } from '../../gateway/errors';
import { verifyShopifySignature } from './signature';
import { requiredHeader } from '../kit/headers';
import type { WebhookSourceDefinition } from '../kit/webhookSource';
import { shopifyWebhookResourceSchema } from './schemas';

/** The mandatory privacy topics carry shop and customer ids, not a resource `id`. */
const TOPICS_WITHOUT_ID = new Set(['customers/data_request', 'customers/redact', 'shop/redact']);

export const shopifySource: WebhookSourceDefinition<typeof shopifyWebhookResourceSchema> = {
  name: 'shopify',
  verify: (req, config) => verifyShopifySignature(req, config.webhookSecrets.shopify),
  envelope: shopifyWebhookResourceSchema,
  toEvents: (resource, req) => {
    const topic = requiredHeader(req, 'x-shopify-topic');
    if (resource.id === undefined && !TOPICS_WITHOUT_ID.has(topic))
      throw badRequest('invalid_payload', `id: a Shopify ${topic} webhook carries the resource id`);
    return [
      {
        source: 'shopify',
        // Webhook-Id is the same on every retry of a delivery; Event-Id names the event itself.
        eventId: requiredHeader(req, 'x-shopify-webhook-id', 'x-shopify-event-id'),
        eventType: topic,
        recordId: resource.id === undefined ? undefined : String(resource.id),
        occurredAt: Date.now(),
        payload: resource,
      },
    ];
  },
};
