/**
 * THE CATALOG: every integration Switchboard runs, one line each (its folder), the only registry.
 * Everything else reads it: the gateway (webhook subscribers, manual starts, GET /integrations), the
 * worker's workflow bundle (workflows.ts), config (each integration's settings as `config.<key>`), the
 * schedules, the replay of recorded histories. `npm run new-integration` adds the line.
 */
import type { Config } from '../config';
import type { IntegrationSettings, Setting } from '../settings';
import * as addressPropagation from './address-propagation';
import * as contactFullSync from './contact-full-sync';
import * as contactSync from './contact-sync';
import * as dealWon from './deal-won';
import * as githubIssueToSlack from './github-issue-to-slack';
import type { InboundEvent, IntegrationDefinition } from './kit/types';
import * as orderFulfillment from './order-fulfillment';
import * as ticketSurvey from './ticket-survey';

/** Each integration folder's index (definition + settings), keyed by its settings' place in Config. */
export const INTEGRATIONS = {
  contactSync,
  contactFullSync,
  dealWon,
  addressPropagation,
  orderFulfillment,
  ticketSurvey,
  githubIssueToSlack,
};

type Folders = typeof INTEGRATIONS;
type WithSettings = {
  [K in keyof Folders as Folders[K] extends { settings: object } ? K : never]: Folders[K];
};

export const CATALOG: readonly IntegrationDefinition[] = Object.values(INTEGRATIONS).map((i) => i.definition);

/** The integrations' settings declarations, by `config.<key>` (src/config.ts composes them). */
export const INTEGRATION_SETTINGS = Object.fromEntries(
  Object.entries(INTEGRATIONS).flatMap(([key, i]) => ('settings' in i ? [[key, i.settings]] : [])),
) as {
  [K in keyof WithSettings]: WithSettings[K] extends { settings: infer S extends IntegrationSettings }
    ? S
    : never;
};

/** An integration's settings declarations (none: an empty list), for its documentation. */
export function settingsOf(id: string): Setting[] {
  const folder = Object.values(INTEGRATIONS).find((i) => i.definition.id === id);
  return folder && 'settings' in folder
    ? Object.values(folder.settings.settings as Record<string, Setting>)
    : [];
}

export function findIntegration(id: string): IntegrationDefinition | undefined {
  return CATALOG.find((i) => i.id === id);
}

/** An integration a webhook can start: it has webhook triggers and plans runs from events. */
export type WebhookSubscriber = IntegrationDefinition & Required<Pick<IntegrationDefinition, 'planFor'>>;

/** The integrations subscribed to this event's source and type. */
export function subscribersOf(event: InboundEvent, catalog = CATALOG, config?: Config): WebhookSubscriber[] {
  return catalog.filter(
    (i): i is WebhookSubscriber =>
      i.planFor !== undefined &&
      i.triggers.webhooks.some(
        (w) =>
          w.source === event.source && (w.eventTypes.includes(event.eventType) || w.eventTypes.includes('*')),
      ) &&
      (i.accepts?.(event, config) ?? true),
  );
}

export type { InboundEvent, IntegrationDefinition, StartPlan } from './kit/types';
