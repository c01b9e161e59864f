/** In-house senders signing with plain HMAC-SHA256 post Switchboard's own event shape. */
import { z } from 'zod';
import { verifyGenericHmacSignature } from './signature';
import type { WebhookSourceDefinition } from '../kit/webhookSource';

export const genericEventSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(200),
  recordId: z.union([z.string().min(1).max(200), z.number()]).optional(),
  data: z.unknown(),
});

export const genericSource: WebhookSourceDefinition<typeof genericEventSchema> = {
  name: 'generic',
  verify: (req, config) =>
    verifyGenericHmacSignature(req, config.webhookSecrets.generic, config.genericWebhook),
  envelope: genericEventSchema,
  toEvents: (event) => [
    {
      source: 'generic',
      eventId: event.id,
      eventType: event.type,
      recordId: event.recordId === undefined ? undefined : String(event.recordId),
      occurredAt: Date.now(),
      payload: event,
    },
  ],
};
