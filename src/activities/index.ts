/** Every activity the worker registers, built from config and one shared HTTP client. */
import type { Config } from '../config';
import type { Logger } from '../logger';
import { createAlertActivities } from './alert';
import { createHubspotActivities } from './connectors/hubspot';
import { createMailchimpActivities } from './connectors/mailchimp';
import { createMandrillActivities } from './connectors/mandrill';
import { createShipbobActivities } from './connectors/shipbob';
import { createShopifyActivities } from './connectors/shopify';
import { createZendeskActivities } from './connectors/zendesk';
import { createSlackActivities } from './connectors/slack';
import { createStripeActivities } from './connectors/stripe';
import { HttpClient, HttpClientOptions } from './http/client';

export interface ActivityDeps {
  config: Config;
  logger: Logger;
  http?: HttpClient;
  onCall?: HttpClientOptions['onCall'];
}

export function createActivities(deps: ActivityDeps) {
  const http = deps.http ?? new HttpClient({ systems: deps.config.systems, onCall: deps.onCall });
  return {
    ...createHubspotActivities(http),
    ...createMailchimpActivities(http),
    ...createShopifyActivities(http),
    ...createShipbobActivities(http),
    ...createZendeskActivities(http),
    ...createMandrillActivities(http),
    ...createSlackActivities(http),
    ...createStripeActivities(http),
    ...createAlertActivities({ config: deps.config, http, logger: deps.logger }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
