/** Every webhook sender the gateway accepts, by the `:source` of POST /webhooks/:source. */
import { genericSource } from './generic';
import { githubSource } from './github';
import { hubspotSource } from './hubspot';
import { shipbobSource } from './shipbob';
import { shopifySource } from './shopify';
import { slackSource } from './slack';
import { standardSource } from './standard';
import { stripeSource } from './stripe';
import type { WebhookSourceDefinition } from './types';
import { zendeskSource } from './zendesk';

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

export type { WebhookSourceDefinition } from './types';
