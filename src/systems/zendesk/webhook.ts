/** Zendesk event webhooks: `{id, type, time, subject, detail, event}`; a ticket event names its ticket in detail.id. */
import { verifyZendeskSignature } from './signature';
import type { WebhookSourceDefinition } from '../kit/webhookSource';
import { zendeskEventSchema } from './schemas';

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
