/** HubSpot webhooks: a JSON array of events, signed with v3. */
import { z } from 'zod';
import { verifyHubspotSignature } from './signature';
import type { WebhookSourceDefinition } from '../kit/webhookSource';

export const hubspotEventSchema = z
  .object({
    eventId: z.union([z.number(), z.string()]),
    subscriptionId: z.union([z.number(), z.string()]).optional(),
    portalId: z.union([z.number(), z.string()]).optional(),
    occurredAt: z.number(),
    subscriptionType: z.string().min(1),
    attemptNumber: z.number().optional(),
    objectId: z.union([z.number(), z.string()]),
    propertyName: z.string().optional(),
    propertyValue: z.unknown().optional(),
    changeSource: z.string().optional(),
  })
  .loose();

export const hubspotSource: WebhookSourceDefinition<z.ZodArray<typeof hubspotEventSchema>> = {
  name: 'hubspot',
  verify: (req, config) => verifyHubspotSignature(req, config.webhookSecrets.hubspot),
  envelope: z.array(hubspotEventSchema).min(1, 'a HubSpot webhook carries at least one event').max(1000),
  toEvents: (events) =>
    events.map((e) => ({
      source: 'hubspot',
      eventId: String(e.eventId),
      eventType: e.subscriptionType,
      recordId: String(e.objectId),
      occurredAt: e.occurredAt,
      payload: e,
    })),
};
