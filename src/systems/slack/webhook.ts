/**
 * Slack Events API: `url_verification` (answered with its challenge when the request URL is set up) and
 * `event_callback` envelopes carrying one event each; other envelope types (app_rate_limited) carry none.
 */
import { z } from 'zod';
import { verifySlackSignature } from './signature';
import type { WebhookSourceDefinition } from '../kit/webhookSource';

const urlVerification = z
  .object({ type: z.literal('url_verification'), challenge: z.string().min(1) })
  .loose();
const eventCallback = z
  .object({
    type: z.literal('event_callback'),
    event_id: z.string().min(1),
    event_time: z.number(),
    team_id: z.string().optional(),
    event: z.object({ type: z.string().min(1) }).loose(),
  })
  .loose();
const otherEnvelope = z
  .object({
    type: z.string().refine((t) => t !== 'url_verification' && t !== 'event_callback', 'malformed envelope'),
  })
  .loose();

const slackEnvelopeSchema = z.union([urlVerification, eventCallback, otherEnvelope]);

export const slackSource: WebhookSourceDefinition<typeof slackEnvelopeSchema> = {
  name: 'slack',
  verify: (req, config) => verifySlackSignature(req, config.webhookSecrets.slack),
  envelope: slackEnvelopeSchema,
  handshake: (body) => (body.type === 'url_verification' ? { challenge: body.challenge } : undefined),
  toEvents: (body) => {
    const parsed = eventCallback.safeParse(body);
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
