/**
 * Every activity the worker registers, by the system it calls, built from config and one shared HTTP
 * client. Each system's task queue registers only its own activities (src/runtime/workers.ts), so the
 * per-system rate limit the server holds on that queue covers every call to that system.
 */
import type { Config } from '../config';
import type { Logger } from '../logger';
import { HttpClient, HttpClientOptions } from '../http/client';
import { createAlertActivities } from './alerts/api';
import { createDirectCallActivities } from './directCalls';
import { createHubspotActivities } from './hubspot/api';
import type { SystemName } from './index';
import { createRateBudgets } from './rateBudgets';
import { createMailchimpActivities } from './mailchimp/api';
import { createMandrillActivities } from './mandrill/api';
import { createShipbobActivities } from './shipbob/api';
import { createShopifyActivities } from './shopify/api';
import { createSlackActivities } from './slack/api';
import { createStripeActivities } from './stripe/api';
import { createZendeskActivities } from './zendesk/api';

export interface ActivityDeps {
  config: Config;
  logger: Logger;
  http?: HttpClient;
  onCall?: HttpClientOptions['onCall'];
}

/**
 * The activities of each external system (on `api.<system>`), the core ones (on the main queue: alerts,
 * and the direct calls workflows make as local activities), and the systems' rate budgets.
 */
export function createActivitiesBySystem(deps: ActivityDeps) {
  const http = deps.http ?? new HttpClient({ systems: deps.config.systems, onCall: deps.onCall });
  const systems = {
    hubspot: createHubspotActivities(http),
    mailchimp: createMailchimpActivities(http),
    mandrill: createMandrillActivities(http),
    slack: createSlackActivities(http),
    stripe: createStripeActivities(http),
    shopify: createShopifyActivities(http),
    zendesk: createZendeskActivities(http),
    shipbob: createShipbobActivities(http),
  } satisfies Record<SystemName, object>;
  // One rate budget per system for this process, shared by direct and queued calls (./rateBudgets.ts).
  const budgets = createRateBudgets(deps.config.systems, { processes: deps.config.workerReplicas });
  const core = {
    ...createAlertActivities({ config: deps.config, http, logger: deps.logger }),
    ...createDirectCallActivities({ systems, budgets }),
  };
  return { systems, core, budgets };
}

export type ActivitiesBySystem = ReturnType<typeof createActivitiesBySystem>;

/** Every activity in one object: the type workflows proxy from, and what a single test worker registers. */
export function createActivities(deps: ActivityDeps) {
  return flattenActivities(createActivitiesBySystem(deps));
}

/** One object type holding every member of a union of activity objects. */
type Merged<T> = (T extends unknown ? (all: T) => void : never) extends (all: infer I) => void ? I : never;

/** Every system's activities (each system in `systems` above, none forgotten) and the core ones. */
export function flattenActivities({ systems, core }: ActivitiesBySystem) {
  return Object.assign({}, ...Object.values(systems), core) as Merged<
    ActivitiesBySystem['systems'][SystemName]
  > &
    ActivitiesBySystem['core'];
}

export type Activities = ReturnType<typeof flattenActivities>;
