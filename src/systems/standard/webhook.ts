/**
 * Standard Webhooks (Svix) senders: the body is `{type, timestamp, data}` as the spec recommends, the
 * message id (the same on every retry) travels in `webhook-id`.
 */
import type { InboundEvent } from '../../integrations/catalog';
import { boundedHeader } from '../kit/headers';
import type { SignedRequest } from '../kit/hmac';
import { standardWebhookHeaders, verifyStandardWebhookSignature } from '../kit/standardWebhooks';
import type { WebhookSourceDefinition } from '../kit/webhookSource';
import { standardDataWithIdSchema, standardPayloadSchema } from './schemas';

/** One event per message; `recordId` is whatever the sender's data names its record by. */
export function standardWebhookEvent(
  source: string,
  body: { type: string; timestamp?: string; data: unknown },
  req: SignedRequest,
  recordId: string | undefined,
): InboundEvent {
  const sent = body.timestamp === undefined ? NaN : Date.parse(body.timestamp);
  return {
    source,
    // Present: the verifier refuses a message without it.
    eventId: boundedHeader('webhook-id', standardWebhookHeaders(req).id ?? ''),
    eventType: body.type,
    recordId,
    occurredAt: Number.isFinite(sent) ? sent : Number(standardWebhookHeaders(req).timestamp) * 1000,
    payload: body,
  };
}

export const standardSource: WebhookSourceDefinition<typeof standardPayloadSchema> = {
  name: 'standard',
  verify: (req, config) => verifyStandardWebhookSignature(req, config.webhookSecrets.standard),
  envelope: standardPayloadSchema,
  toEvents: (body, req) => {
    const id = standardDataWithIdSchema.safeParse(body.data).data?.id;
    return [standardWebhookEvent('standard', body, req, id === undefined ? undefined : String(id))];
  },
};
