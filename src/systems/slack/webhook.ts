/**
 * Slack Events API: `url_verification` (answered with its challenge when the request URL is set up) and
 * `event_callback` envelopes carrying one event each; other envelope types (app_rate_limited) carry none.
 */
import { verifySlackSignature } from './signature';
import type { WebhookSourceDefinition } from '../kit/webhookSource';
import { slackEnvelopeSchema, slackEventCallbackSchema } from './schemas';

export const slackSource: WebhookSourceDefinition<typeof slackEnvelopeSchema> = {
  name: 'slack',
  verify: (req, config) => verifySlackSignature(req, config.webhookSecrets.slack),
  envelope: slackEnvelopeSchema,
  handshake: (body) => (body.type === 'url_verification' ? { challenge: body.challenge } : undefined),
  toEvents: (body) => {
    const parsed = slackEventCallbackSchema.safeParse(body);
    if (!parsed.success) return [];
    const envelope = parsed.data;
    return [
      {
        source: 'slack',
        eventId: envelope.event_id,
        eventType: envelope.event.type,
        occurredAt: envelope.event_time * 1000,
        payload: envelope,
      },
    ];
  },
};
