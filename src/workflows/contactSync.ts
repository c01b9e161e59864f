/**
 * contact-sync (real time): HubSpot contact → Mailchimp list member.
 *
 * One entity workflow per contact (`contact-sync/hubspot/contact-<id>`), fed by signalWithStart: events
 * about one contact are applied one at a time, in arrival order, and a burst is coalesced into one sync.
 * Every sync re-reads the contact from HubSpot, so the last write always carries the newest values, never
 * a stale payload. Duplicate deliveries (same eventId) are dropped. After `idleTimeout` without events the
 * run completes; a long-lived contact continues-as-new to keep its history small.
 */
import type { Duration } from '@temporalio/common';
import {
  condition,
  continueAsNew,
  defineSignal,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { mapContactToMailchimpMember } from '../mapping/contactToMailchimp';
import { activityOptionsFor } from '../systems';
import { alertOnFailure } from './failureAlert';
import { trackProgress } from './progress';

export interface ContactEvent {
  eventId: string;
  eventType: string;
  occurredAt: number;
}

export interface ContactSyncInput {
  contactId: string;
  listId: string;
  /** How long the run waits for more events before completing, e.g. "1m". */
  idleTimeout: Duration;
  /** Events handed over by continueAsNew (or given at a manual start). */
  pending?: ContactEvent[];
  seenEventIds?: string[];
  eventsApplied?: number;
}

export interface ContactSyncResult {
  contactId: string;
  eventsApplied: number;
  syncs: number;
  duplicatesIgnored: number;
  lastOutcome?: string;
}

export const contactEventSignal = defineSignal<[ContactEvent]>('contactEvent');

const hubspot = proxyActivities<Pick<Activities, 'getHubspotContact'>>(activityOptionsFor('hubspot'));
const mailchimp = proxyActivities<Pick<Activities, 'upsertMailchimpMember'>>(activityOptionsFor('mailchimp'));

/** Seen ids carried across continueAsNew: enough to catch a sender's retries, bounded for history size. */
const SEEN_IDS_KEPT = 500;
const SYNCS_PER_RUN = 100;

export async function contactSync(input: ContactSyncInput): Promise<ContactSyncResult> {
  const pending: ContactEvent[] = [];
  const seen = new Set(input.seenEventIds ?? []);
  const result: ContactSyncResult = {
    contactId: input.contactId,
    eventsApplied: input.eventsApplied ?? 0,
    syncs: 0,
    duplicatesIgnored: 0,
  };
  const progress = trackProgress('contact-sync', result as unknown as Record<string, unknown>);

  const accept = (event: ContactEvent) => {
    if (seen.has(event.eventId)) {
      result.duplicatesIgnored++;
      return;
    }
    seen.add(event.eventId);
    pending.push(event);
  };
  (input.pending ?? []).forEach(accept);
  setHandler(contactEventSignal, accept);

  return alertOnFailure(progress, input.contactId, async () => {
    for (;;) {
      progress.stage = 'waiting for events';
      if (!(await condition(() => pending.length > 0, input.idleTimeout))) break;
      const batch = pending.splice(0, pending.length);
      progress.stage = 'syncing';
      result.lastOutcome = await syncContact(input, batch.map((e) => e.eventId).join(','));
      progress.step(`sync ${batch.length} event(s): ${result.lastOutcome}`);
      result.syncs++;
      result.eventsApplied += batch.length;

      if (result.syncs >= SYNCS_PER_RUN || workflowInfo().continueAsNewSuggested) {
        return continueAsNew<typeof contactSync>({
          ...input,
          pending: pending.splice(0),
          seenEventIds: [...seen].slice(-SEEN_IDS_KEPT),
          eventsApplied: result.eventsApplied,
        });
      }
    }
    progress.stage = 'completed';
    return result;
  });
}

async function syncContact(input: ContactSyncInput, eventIds: string): Promise<string> {
  const contact = await hubspot.getHubspotContact.executeWithOptions(
    { summary: `Read HubSpot contact ${input.contactId}` },
    [input.contactId],
  );
  if (!contact) return 'contact no longer exists in HubSpot; nothing to sync';
  const mapped = mapContactToMailchimpMember(contact);
  if (!mapped.ok) return `skipped: ${mapped.reason}`;
  const member = await mailchimp.upsertMailchimpMember.executeWithOptions(
    {
      summary: `Upsert contact ${input.contactId} into Mailchimp list ${input.listId} (events ${eventIds.slice(0, 60)})`,
    },
    [input.listId, mapped.member],
  );
  return `member ${member.id} ${member.status}`;
}
