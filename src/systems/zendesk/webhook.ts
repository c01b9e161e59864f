/** Zendesk event webhooks: `{id, type, time, subject, detail, event}`; a ticket event names its ticket in detail.id. */
import { z } from 'zod';
import { verifyZendeskSignature } from './signature';
import type { WebhookSourceDefinition } from '../kit/webhookSource';

const recordRef = z.object({ id: z.union([z.string(), z.number()]) }).loose();

const zendeskEventSchema = z
  .object({
    id: z.union([z.string().min(1), z.number()]),
    type: z.string().min(1),
    time: z.string().optional(),
    detail: recordRef.optional(),
  })
  .loose()
  .refine((e) => !/(^|:)ticket\./.test(e.type) || e.detail !== undefined, {
    message: 'a ticket event names its ticket in detail.id',
    path: ['detail'],
  });

export const zendeskSource: WebhookSourceDefinition<typeof zendeskEventSchema> = {
  name: 'zendesk',
  verify: (req, config) => verifyZendeskSignature(req, config.webhookSecrets.zendesk),
  envelope: zendeskEventSchema,
  toEvents: (event) => {
    const at = event.time === undefined ? NaN : Date.parse(event.time);
    return [
      {
        source: 'zendesk',
        eventId: String(event.id),
        eventType: event.type,
        recordId: event.detail === undefined ? undefined : String(event.detail.id),
        occurredAt: Number.isFinite(at) ? at : Date.now(),
        payload: event,
      },
    ];
  },
};
