/** In-house senders signing with plain HMAC-SHA256 post Switchboard's own event shape. */
import { z } from 'zod';
import { verifyGenericHmacSignature } from './signature';
import { boundedIdSchema } from '../kit/idSchemas';
import type { WebhookSourceDefinition } from '../kit/webhookSource';

/** Switchboard's own event shape; `recordId` may name a workflow, so ids are bounded and printable. */
export const genericEventSchema = z.object({
  id: boundedIdSchema('an event id'),
  type: z.string().min(1).max(200),
  recordId: z.union([z.number(), boundedIdSchema('a record id')]).optional(),
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
