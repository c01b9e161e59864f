/** Every activity the worker registers, built from config and one shared HTTP client. */
import type { Config } from '../config';
import type { Logger } from '../logger';
import { createAlertActivities } from './alerts/api';
import { createHubspotActivities } from './hubspot/api';
import { createMailchimpActivities } from './mailchimp/api';
import { createMandrillActivities } from './mandrill/api';
import { createShipbobActivities } from './shipbob/api';
import { createShopifyActivities } from './shopify/api';
import { createZendeskActivities } from './zendesk/api';
import { createSlackActivities } from './slack/api';
import { createStripeActivities } from './stripe/api';
import { HttpClient, HttpClientOptions } from '../http/client';

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
