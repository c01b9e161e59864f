/**
 * address-propagation: a customer's address changed in one system → the same address in every other
 * (HubSpot contact, Shopify customer, Stripe customer), matched by email.
 *
 * One entity run per source record, fed by signalWithStart, so two quick changes to one record are
 * applied in order and never overwrite each other out of order. Each change re-reads the source (the
 * newest address wins), then updates the targets side by side: a target that is down, or rejects the
 * write, does not hold back the others, and the run reports the outcome per target. Echoes stop by
 * themselves: our write to Shopify comes back as Shopify's own `customers/update`, whose run finds every
 * system already equal (`sameAddress`) and writes nothing.
 */
import type { Duration } from '@temporalio/common';
import {
  ActivityFailure,
  continueAsNew,
  defineSignal,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../systems/activities';
import {
  Address,
  ADDRESS_SYSTEMS,
  addressFor,
  addressOf,
  AddressSystem,
  sameAddress,
  sharedFields,
} from './mapping';
import { activityOptionsFor } from '../../systems/index';
import { alertOnFailure, describeError, sendAlert } from '../kit/failureAlert';
import { trackProgress } from '../kit/progress';
import { RecordEvent, recordInbox } from '../kit/recordEvents';

export interface AddressPropagationInput {
  source: AddressSystem;
  recordId: string;
  idleTimeout: Duration;
  /** How long one target may keep failing (retries included) before it is reported as failed. */
  targetTimeout: Duration;
  pending?: RecordEvent[];
  seenEventIds?: string[];
}

export type TargetOutcome =
  | { status: 'updated' | 'unchanged'; id: string }
  | { status: 'not_found' }
  | { status: 'failed'; error: string };

export interface AddressPropagationResult {
  source: AddressSystem;
  recordId: string;
  propagations: number;
  duplicatesIgnored: number;
  lastOutcome?: string;
  targets: Partial<Record<AddressSystem, TargetOutcome>>;
}

export const addressChangedSignal = defineSignal<[RecordEvent]>('addressChanged');

const PROPAGATIONS_PER_RUN = 50;

interface Found {
  id: string;
  address?: Address;
}

/** Each system's read / find-by-email / write, proxied with that system's retry policy and queue. */
function systemsWith(targetTimeout: Duration) {
  const opts = (system: AddressSystem) =>
    activityOptionsFor(system, { scheduleToCloseTimeout: targetTimeout });
  const hubspot = proxyActivities<
    Pick<Activities, 'getHubspotContact' | 'searchHubspotContacts' | 'updateHubspotContact'>
  >(opts('hubspot'));
  const shopify = proxyActivities<
    Pick<Activities, 'getShopifyCustomer' | 'findShopifyCustomerByEmail' | 'updateShopifyCustomerAddress'>
  >(opts('shopify'));
  const stripe = proxyActivities<
    Pick<Activities, 'getStripeCustomer' | 'findStripeCustomerByEmail' | 'updateStripeCustomerAddress'>
  >(opts('stripe'));

  return {
    hubspot: {
      async read(id: string) {
        const c = await hubspot.getHubspotContact.executeWithOptions(
          { summary: `Read HubSpot contact ${id}` },
          [id],
        );
        return c && { email: c.properties.email ?? undefined, address: addressOf('hubspot', c) };
      },
      async find(email: string): Promise<Found | null> {
        const res = await hubspot.searchHubspotContacts.executeWithOptions(
          { summary: 'Find the HubSpot contact by email' },
          [{ filters: [{ propertyName: 'email', operator: 'EQ', value: email }], limit: 1 }],
        );
        const c = res.results[0];
        return c ? { id: c.id, address: addressOf('hubspot', c) } : null;
      },
      async write(id: string, address: Address) {
        await hubspot.updateHubspotContact.executeWithOptions(
          { summary: `Update HubSpot contact ${id} address` },
          [id, addressFor('hubspot', address)],
        );
      },
    },
    shopify: {
      async read(id: string) {
        const c = await shopify.getShopifyCustomer.executeWithOptions(
          { summary: `Read Shopify customer ${id}` },
          [id],
        );
        return c && { email: c.email ?? undefined, address: addressOf('shopify', c) };
      },
      async find(email: string): Promise<Found | null> {
        const c = await shopify.findShopifyCustomerByEmail.executeWithOptions(
          { summary: 'Find the Shopify customer by email' },
          [email],
        );
        return c ? { id: String(c.id), address: addressOf('shopify', c) } : null;
      },
      async write(id: string, address: Address) {
        await shopify.updateShopifyCustomerAddress.executeWithOptions(
          { summary: `Update Shopify customer ${id} default address` },
          [id, addressFor('shopify', address)],
        );
      },
    },
    stripe: {
      async read(id: string) {
        const c = await stripe.getStripeCustomer.executeWithOptions(
          { summary: `Read Stripe customer ${id}` },
          [id],
        );
        return c && { email: c.email ?? undefined, address: addressOf('stripe', c) };
      },
      async find(email: string): Promise<Found | null> {
        const c = await stripe.findStripeCustomerByEmail.executeWithOptions(
          { summary: 'Find the Stripe customer by email' },
          [email],
        );
        return c ? { id: c.id, address: addressOf('stripe', c) } : null;
      },
      async write(id: string, address: Address) {
        const a = addressFor('stripe', address);
        await stripe.updateStripeCustomerAddress.executeWithOptions(
          { summary: `Update Stripe customer ${id} address` },
          [
            id,
            {
              line1: a.line1,
              line2: a.line2,
              city: a.city,
              state: a.state,
              postal_code: a.postal_code,
              country: a.country,
            },
          ],
        );
      },
    },
  };
}

export async function addressPropagation(input: AddressPropagationInput): Promise<AddressPropagationResult> {
  const result: AddressPropagationResult = {
    source: input.source,
    recordId: input.recordId,
    propagations: 0,
    duplicatesIgnored: 0,
    targets: {},
  };
  const progress = trackProgress('address-propagation', result as unknown as Record<string, unknown>);
  const inbox = recordInbox(addressChangedSignal, input, result);
  const systems = systemsWith(input.targetTimeout);

  return alertOnFailure(progress, `${input.source}:${input.recordId}`, async () => {
    for (;;) {
      progress.stage = 'waiting for changes';
      const batch = await inbox.nextBatch(input.idleTimeout);
      if (!batch) break;
      progress.stage = 'propagating';
      result.lastOutcome = await propagate(input, systems, result);
      result.propagations++;
      progress.step(`${batch.length} change(s): ${result.lastOutcome}`);
      const failed = Object.entries(result.targets).filter(([, o]) => o?.status === 'failed');
      if (failed.length > 0) {
        progress.lastError = failed.map(([s, o]) => `${s}: ${(o as { error: string }).error}`).join('; ');
        await alertTargetsFailed(input, progress.lastError);
      }
      if (result.propagations >= PROPAGATIONS_PER_RUN || workflowInfo().continueAsNewSuggested) {
        return continueAsNew<typeof addressPropagation>({ ...input, ...inbox.handOver() });
      }
    }
    progress.stage = 'completed';
    return result;
  });
}

async function propagate(
  input: AddressPropagationInput,
  systems: ReturnType<typeof systemsWith>,
  result: AddressPropagationResult,
): Promise<string> {
  const source = await systems[input.source].read(input.recordId);
  const previous = result.targets;
  result.targets = {};
  if (!source) return `${input.source} record ${input.recordId} no longer exists`;
  if (!source.email) return `${input.source} record ${input.recordId} has no email to match other systems by`;
  if (!source.address) return `${input.source} record ${input.recordId} has no complete address`;
  const address = source.address;
  const email = source.email.trim().toLowerCase();

  const targets = ADDRESS_SYSTEMS.filter((s) => s !== input.source);
  const outcomes = await Promise.all(
    targets.map(async (system): Promise<[AddressSystem, TargetOutcome]> => {
      try {
        const found = await systems[system].find(email);
        if (!found) return [system, { status: 'not_found' }];
        if (sameAddress(found.address, address, sharedFields(input.source, system)))
          return [system, { status: 'unchanged', id: found.id }];
        await systems[system].write(found.id, address);
        return [system, { status: 'updated', id: found.id }];
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        return [system, { status: 'failed', error: describeError(err) }];
      }
    }),
  );
  result.targets = Object.fromEntries(
    outcomes.map(([system, outcome]) => [system, keepEarlierUpdate(previous[system], outcome)]),
  );
  return outcomes.map(([s, o]) => `${s} ${o.status}`).join(', ');
}

/** Some targets kept failing: the others are done, and a human hears about the rest. */
async function alertTargetsFailed(input: AddressPropagationInput, error: string): Promise<void> {
  await sendAlert(
    'address-propagation',
    `${input.source}:${input.recordId}`,
    `address not propagated to ${error}`,
  );
}

/**
 * Events of one burst may reach the run in two batches: the first propagation writes, the second finds
 * every target already equal. The run still reports the write it made.
 */
function keepEarlierUpdate(previous: TargetOutcome | undefined, next: TargetOutcome): TargetOutcome {
  return previous?.status === 'updated' && next.status === 'unchanged' && previous.id === next.id
    ? previous
    : next;
}
