/** THE CATALOG: every integration Switchboard runs. Add one entry here per integration. */
import { contactSyncIntegration } from './contact-sync/definition';
import { orderFulfillmentIntegration } from './order-fulfillment/definition';
import { ticketSurveyIntegration } from './ticket-survey/definition';
import type { Config } from '../config';
import { contactFullSyncIntegration } from './contact-full-sync/definition';
import { dealWonIntegration } from './deal-won/definition';
import { addressPropagationIntegration } from './address-propagation/definition';
import type { InboundEvent, IntegrationDefinition } from './kit/types';

export const CATALOG: readonly IntegrationDefinition[] = [
  contactSyncIntegration,
  contactFullSyncIntegration,
  dealWonIntegration,
  addressPropagationIntegration,
  orderFulfillmentIntegration,
  ticketSurveyIntegration,
];

export function findIntegration(id: string): IntegrationDefinition | undefined {
  return CATALOG.find((i) => i.id === id);
}

/** The integrations subscribed to this event's source and type. */
export function subscribersOf(
  event: InboundEvent,
  catalog = CATALOG,
  config?: Config,
): IntegrationDefinition[] {
  return catalog.filter(
    (i) =>
      i.triggers.webhooks.some(
        (w) =>
          w.source === event.source && (w.eventTypes.includes(event.eventType) || w.eventTypes.includes('*')),
      ) &&
      (i.accepts?.(event, config) ?? true),
  );
}

export type { InboundEvent, IntegrationDefinition, StartPlan } from './kit/types';
