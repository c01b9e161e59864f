/** Every webhook sender the gateway accepts, by the `:source` of POST /webhooks/:source. */
import { hubspotSource } from './hubspot';
import type { WebhookSourceDefinition } from './types';

export const WEBHOOK_SOURCES: Record<string, WebhookSourceDefinition> = {
  hubspot: hubspotSource as unknown as WebhookSourceDefinition,
};

export type { WebhookSourceDefinition } from './types';
