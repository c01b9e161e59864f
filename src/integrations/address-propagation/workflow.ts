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
  patched,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../systems/activities';
import {
  Address,
  addressEditedAt,
  AddressField,
  AddressReading,
  ADDRESS_SYSTEMS,
  addressFor,
  addressOf,
  AddressSystem,
  addressToWrite,
  changedAtOf,
  fieldsHeldBy,
  fingerprintOf,
  formatOrigin,
  holdsOwnWrite,
  ORIGIN_KEY,
  ORIGIN_NOTE_KEY,
  originOf,
  OriginMarker,
  readAddress,
  sameAddress,
  sharedFields,
  Unrecognised,
} from './mapping';
import { activityOptionsFor } from '../../systems/index';
import { StripeCustomer, stripeCustomerVersion } from '../../systems/stripe/schemas';
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

/** `kept_newer`: the target's own address is a newer edit than the source's; its own run propagates it. */
export type TargetOutcome =
  | { status: 'updated' | 'unchanged' | 'kept_newer'; id: string }
  | { status: 'not_found' }
  | { status: 'failed'; error: string };

export interface AddressPropagationResult {
  source: AddressSystem;
  recordId: string;
  propagations: number;
  duplicatesIgnored: number;
  lastOutcome?: string;
  targets: Partial<Record<AddressSystem, TargetOutcome>>;
  /** The source's country or state that no ISO 3166 code was found for: reported, alerts nobody. */
  unrecognised?: Unrecognised[];
}

export const addressChangedSignal = defineSignal<[RecordEvent]>('addressChanged');

const PROPAGATIONS_PER_RUN = 50;

/**
 * Runs recorded before these replay the way they ran: ISO 3166 codes for free-text countries and states,
 * origin markers on our writes (an echo is not propagated again), and a target's newer edit kept.
 */
const ISO_CODES_AND_ORIGIN_MARKERS = 'address-iso-codes-and-origin-markers';

/** How often a target that keeps changing under a write is read and judged again. */
const WRITE_ATTEMPTS = 3;

/** One system's record, as a propagation reads it. */
interface RecordView {
  id: string;
  email?: string;
  /** As runs recorded before ISO codes read it. */
  address?: Address;
  reading: AddressReading;
  origin?: OriginMarker;
  changedAt?: number;
  /** The record's version as read (see versionOf): a write is made only if it has not changed since. */
  version?: string;
}

/** HubSpot's `updatedAt`, Shopify's `updated_at`, for Stripe its address and metadata as read. */
function versionOf(system: AddressSystem, record: unknown): string | undefined {
  if (system === 'stripe') return stripeCustomerVersion(record as StripeCustomer);
  const at = (record as { updatedAt?: string | null; updated_at?: string | null })[
    system === 'hubspot' ? 'updatedAt' : 'updated_at'
  ];
  return at ?? undefined;
}

function viewOf(system: AddressSystem, id: string, email: string | null | undefined, record: unknown) {
  return {
    id,
    email: email ?? undefined,
    address: addressOf(system, record),
    reading: readAddress(system, record),
    origin: originOf(system, record),
    changedAt: changedAtOf(system, record),
    version: versionOf(system, record),
  } satisfies RecordView;
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
      async read(id: string): Promise<RecordView | null> {
        const c = await hubspot.getHubspotContact.executeWithOptions(
          { summary: `Read HubSpot contact ${id}` },
          [id],
        );
        return c && viewOf('hubspot', c.id, c.properties.email, c);
      },
      async find(email: string): Promise<RecordView | null> {
        const res = await hubspot.searchHubspotContacts.executeWithOptions(
          { summary: 'Find the HubSpot contact by email' },
          [{ filters: [{ propertyName: 'email', operator: 'EQ', value: email }], limit: 1 }],
        );
        const c = res.results[0];
        return c ? viewOf('hubspot', c.id, c.properties.email, c) : null;
      },
      /** False when the contact changed since it was read: a newer edit there is not overwritten. */
      async write(id: string, address: Address, origin?: OriginMarker, version?: string) {
        const fields = addressFor('hubspot', address);
        const written = await hubspot.updateHubspotContact.executeWithOptions(
          { summary: `Update HubSpot contact ${id} address` },
          origin ? [id, { ...fields, [ORIGIN_KEY]: formatOrigin(origin) }, version] : [id, fields],
        );
        return written !== null;
      },
    },
    shopify: {
      async read(id: string): Promise<RecordView | null> {
        const c = await shopify.getShopifyCustomer.executeWithOptions(
          { summary: `Read Shopify customer ${id}` },
          [id],
        );
        return c && viewOf('shopify', String(c.id), c.email, c);
      },
      async find(email: string): Promise<RecordView | null> {
        const c = await shopify.findShopifyCustomerByEmail.executeWithOptions(
          { summary: 'Find the Shopify customer by email' },
          [email],
        );
        return c ? viewOf('shopify', String(c.id), c.email, c) : null;
      },
      /** False when the customer changed since it was read: a newer edit there is not overwritten. */
      async write(id: string, address: Address, origin?: OriginMarker, version?: string) {
        const fields = addressFor('shopify', address);
        const written = await shopify.updateShopifyCustomerAddress.executeWithOptions(
          { summary: `Update Shopify customer ${id} default address` },
          origin
            ? [id, fields, { key: ORIGIN_NOTE_KEY, value: formatOrigin(origin) }, version]
            : [id, fields],
        );
        return written !== null;
      },
    },
    stripe: {
      async read(id: string): Promise<RecordView | null> {
        const c = await stripe.getStripeCustomer.executeWithOptions(
          { summary: `Read Stripe customer ${id}` },
          [id],
        );
        return c && viewOf('stripe', c.id, c.email, c);
      },
      async find(email: string): Promise<RecordView | null> {
        const c = await stripe.findStripeCustomerByEmail.executeWithOptions(
          { summary: 'Find the Stripe customer by email' },
          [email],
        );
        return c ? viewOf('stripe', c.id, c.email, c) : null;
      },
      /** False when the customer changed since it was read: a newer edit there is not overwritten. */
      async write(id: string, address: Address, origin?: OriginMarker, version?: string) {
        const a = addressFor('stripe', address);
        const hash = {
          line1: a.line1,
          line2: a.line2,
          city: a.city,
          state: a.state,
          postal_code: a.postal_code,
          country: a.country,
        };
        const written = await stripe.updateStripeCustomerAddress.executeWithOptions(
          { summary: `Update Stripe customer ${id} address` },
          origin ? [id, hash, { [ORIGIN_KEY]: formatOrigin(origin) }, version] : [id, hash],
        );
        return written !== null;
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
      result.lastOutcome = patched(ISO_CODES_AND_ORIGIN_MARKERS)
        ? await propagateMarked(input, systems, result)
        : await propagate(input, systems, result);
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

/**
 * The source's address, with ISO 3166 codes, to every other system — unless the source only holds what
 * this integration wrote there (a webhook about our own write: an echo, not propagated again, so a stale
 * echo never reverts a newer edit), and never over a target whose own address is a newer edit than the
 * source's (that target's own webhook propagates it). Each write carries its origin marker.
 */
async function propagateMarked(
  input: AddressPropagationInput,
  systems: ReturnType<typeof systemsWith>,
  result: AddressPropagationResult,
): Promise<string> {
  const source = await systems[input.source].read(input.recordId);
  const previous = result.targets;
  result.targets = {};
  delete result.unrecognised;
  const named = `${input.source} record ${input.recordId}`;
  if (!source) return `${named} no longer exists`;
  if (!source.email) return `${named} has no email to match other systems by`;
  const { reading } = source;
  if (reading.unrecognised.length > 0) result.unrecognised = reading.unrecognised;
  const unrecognised = reading.unrecognised
    .map((u) => `${u.field} "${u.value}" not recognised (ISO 3166)`)
    .join(', ');
  if (!reading.address) {
    return unrecognised
      ? `${named}: ${unrecognised}: address not propagated`
      : `${named} has no complete address`;
  }
  if (holdsOwnWrite(input.source, reading, source.origin))
    return `${named} holds the address this integration wrote: an echo, not propagated again`;
  const editedAt = source.changedAt ?? Date.now();
  const email = source.email.trim().toLowerCase();

  const targets = ADDRESS_SYSTEMS.filter((s) => s !== input.source);
  const outcomes = await Promise.all(
    targets.map(async (system): Promise<[AddressSystem, TargetOutcome]> => {
      try {
        const compared: AddressField[] = sharedFields(input.source, system).filter(
          (f) => f !== 'state' || reading.unknownState === undefined,
        );
        // A write is made only if the target is still as read; when it changed meanwhile, it is read
        // again and judged again (its change may be older than ours, e.g. another run's late write).
        for (let attempt = 1; ; attempt++) {
          const found = await systems[system].find(email);
          if (!found) return [system, { status: 'not_found' }];
          if (sameAddress(found.reading.address, reading.address, compared))
            return [system, { status: 'unchanged', id: found.id }];
          const theirs = addressEditedAt(system, found.reading, found.origin, found.changedAt);
          if (theirs !== undefined && theirs > editedAt)
            return [system, { status: 'kept_newer', id: found.id }];
          const written = addressToWrite(reading, found.reading);
          const origin = { fingerprint: fingerprintOf(written, fieldsHeldBy(system)), editedAt };
          if (await systems[system].write(found.id, written, origin, found.version))
            return [system, { status: 'updated', id: found.id }];
          if (attempt === WRITE_ATTEMPTS) return [system, { status: 'kept_newer', id: found.id }];
        }
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        return [system, { status: 'failed', error: describeError(err) }];
      }
    }),
  );
  result.targets = Object.fromEntries(
    outcomes.map(([system, outcome]) => [system, keepEarlierUpdate(previous[system], outcome)]),
  );
  const done = outcomes.map(([s, o]) => `${s} ${o.status}`).join(', ');
  return unrecognised ? `${done}; ${unrecognised}: targets keep their own state` : done;
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
