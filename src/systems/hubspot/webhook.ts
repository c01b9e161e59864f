/** HubSpot webhooks: a JSON array of events, signed with v3. */
import { verifyHubspotSignature } from './signature';
import type { WebhookSourceDefinition } from '../kit/webhookSource';
import { hubspotWebhookBodySchema } from './schemas';

export const hubspotSource: WebhookSourceDefinition<typeof hubspotWebhookBodySchema> = {
  name: 'hubspot',
  verify: (req, config) => verifyHubspotSignature(req, config.webhookSecrets.hubspot),
  envelope: hubspotWebhookBodySchema,
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
