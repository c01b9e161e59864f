/** Stripe webhooks: one event object per request, `{id, type, created, data: {object, previous_attributes}}`. */
import { verifyStripeSignature } from './signature';
import type { WebhookSourceDefinition } from '../kit/webhookSource';
import { StripeEvent, stripeEventSchema } from './schemas';

/** The record is the event's object (customer.updated → the customer); an object without id names its customer. */
function stripeRecordId(event: StripeEvent): string | undefined {
  const { id, customer } = event.data.object;
  return id ?? (typeof customer === 'string' ? customer : customer?.id);
}

export const stripeSource: WebhookSourceDefinition<typeof stripeEventSchema> = {
  name: 'stripe',
  verify: (req, config) => verifyStripeSignature(req, config.webhookSecrets.stripe),
  envelope: stripeEventSchema,
  toEvents: (event) => [
    {
      source: 'stripe',
      eventId: event.id,
      eventType: event.type,
      recordId: stripeRecordId(event),
      occurredAt: event.created * 1000,
      payload: event,
    },
  ],
};
