/** Every webhook sender the gateway accepts, by the `:source` of POST /webhooks/:source. */
import { genericSource } from './generic/webhook';
import { githubSource } from './github/webhook';
import { hubspotSource } from './hubspot/webhook';
import { shipbobSource } from './shipbob/webhook';
import { shopifySource } from './shopify/webhook';
import { slackSource } from './slack/webhook';
import { standardSource } from './standard/webhook';
import { stripeSource } from './stripe/webhook';
import type { WebhookSourceDefinition } from './kit/webhookSource';
import { zendeskSource } from './zendesk/webhook';

/** Each definition is typed by its own envelope; the gateway only needs the common shape. */
const source = (definition: object) => definition as WebhookSourceDefinition;

export const WEBHOOK_SOURCES: Record<string, WebhookSourceDefinition> = {
  hubspot: source(hubspotSource),
  stripe: source(stripeSource),
  github: source(githubSource),
  shopify: source(shopifySource),
  slack: source(slackSource),
  standard: source(standardSource),
  shipbob: source(shipbobSource),
  zendesk: source(zendeskSource),
  generic: source(genericSource),
};

export type { WebhookSourceDefinition } from './kit/webhookSource';
