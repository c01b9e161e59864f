/** GitHub webhooks: the event type and delivery id travel in headers, the body is the event's payload. */
import { verifyGithubSignature } from './signature';
import { requiredHeader } from '../kit/headers';
import type { WebhookSourceDefinition } from '../kit/webhookSource';

import { githubPayloadSchema } from './schemas';

export const githubSource: WebhookSourceDefinition<typeof githubPayloadSchema> = {
  name: 'github',
  verify: (req, config) => verifyGithubSignature(req, config.webhookSecrets.github),
  envelope: githubPayloadSchema,
  toEvents: (payload, req) => [
    {
      source: 'github',
      // The delivery GUID stays the same when GitHub (or a person) redelivers it.
      eventId: requiredHeader(req, 'x-github-delivery'),
      eventType: requiredHeader(req, 'x-github-event'),
      occurredAt: Date.now(),
      payload,
    },
  ],
};
