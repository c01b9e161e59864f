import { z } from 'zod';
import type { Config } from '../../config';
import { ADDRESS_FROM, ADDRESS_SYSTEMS, ADDRESS_TO, AddressSystem } from './mapping';
import { addressChangedSignal, addressPropagation, type AddressPropagationInput } from './workflow';
import type { RecordEvent } from '../kit/recordEvents';
import { defineIntegration, signalWith, type InboundEvent, type StartPlan } from '../kit/types';

/** HubSpot contact properties that make up its address: a change to any other property is not ours. */
const HUBSPOT_ADDRESS_PROPERTIES = ['address', 'city', 'state', 'zip', 'country'];

function propagationPlan(
  source: AddressSystem,
  recordId: string,
  event: RecordEvent,
  config: Config,
): StartPlan<typeof addressPropagation> {
  const input: AddressPropagationInput = {
    source,
    recordId,
    idleTimeout: config.addressPropagation.idleTimeout,
    targetTimeout: config.addressPropagation.targetTimeout,
  };
  return {
    mode: 'signalWithStart',
    workflowId: `address-propagation/${source}/${recordId}`,
    recordId,
    args: [input],
    ...signalWith(addressChangedSignal, event),
    summary: `Propagate the address of ${source} ${recordId} to the other systems`,
  };
}

const SOURCE_OF: Record<string, AddressSystem> = { hubspot: 'hubspot', shopify: 'shopify', stripe: 'stripe' };

export const addressPropagationIntegration = defineIntegration({
  id: 'address-propagation',
  title: 'Customer address → every other system',
  description:
    "When a customer's address changes in HubSpot, Shopify or Stripe, the same address is written to the " +
    'customer (matched by email) in the other two. Targets are updated independently and the run reports ' +
    'the outcome per target; an unchanged target is not written, which is also what ends echo loops.',
  workflow: addressPropagation,
  triggers: {
    webhooks: [
      { source: 'hubspot', eventTypes: ['contact.propertyChange'] },
      { source: 'shopify', eventTypes: ['customers/update'] },
      { source: 'stripe', eventTypes: ['customer.updated'] },
    ],
    manual: true,
  },
  accepts(event: InboundEvent) {
    if (event.source === 'hubspot') {
      const e = event.payload as { propertyName?: unknown } | undefined;
      return typeof e?.propertyName === 'string' && HUBSPOT_ADDRESS_PROPERTIES.includes(e.propertyName);
    }
    if (event.source === 'stripe') {
      // Stripe lists what changed in previous_attributes: only an address change concerns us.
      const previous = (
        event.payload as { data?: { previous_attributes?: Record<string, unknown> } } | undefined
      )?.data?.previous_attributes;
      return !previous || 'address' in previous;
    }
    return true;
  },
  from: { system: 'hubspot', records: 'contact / customer address (any of HubSpot, Shopify, Stripe)' },
  to: [
    { system: 'shopify', records: 'customer default address' },
    { system: 'stripe', records: 'customer address' },
    { system: 'hubspot', records: 'contact address properties' },
  ],
  direction: 'fan-out',
  frequency: 'real time: one entity run per changed record, changes applied in order',
  fieldMaps: Object.fromEntries(
    ADDRESS_SYSTEMS.flatMap((s) => [
      [`${s} → address`, ADDRESS_FROM[s]],
      [`address → ${s}`, ADDRESS_TO[s]],
    ]),
  ),
  planFor(event, config) {
    const source = SOURCE_OF[event.source];
    return propagationPlan(
      source,
      event.recordId ?? '',
      { eventId: event.eventId, eventType: event.eventType, occurredAt: event.occurredAt },
      config,
    );
  },
  manualInput: z.object({ source: z.enum(ADDRESS_SYSTEMS), recordId: z.string().min(1) }),
  planManual(input, config) {
    const { source, recordId } = input as { source: AddressSystem; recordId: string };
    return propagationPlan(
      source,
      recordId,
      { eventId: `manual-${Date.now()}`, eventType: 'manual', occurredAt: Date.now() },
      config,
    );
  },
});
