/**
 * contact-sync (real time): HubSpot contact → Mailchimp list member.
 *
 * One entity workflow per contact (`contact-sync/hubspot/contact-<id>`), fed by signalWithStart: events
 * about one contact are applied one at a time, in arrival order, and a burst is coalesced into one sync.
 * Every sync re-reads the contact from HubSpot, so the last write always carries the newest values, never
 * a stale payload. Duplicate deliveries (same eventId) are dropped while the run is open. By default the
 * run completes as soon as no event is pending (completeWhenIdle); with an idle timeout it waits that long
 * for more first. A long-lived contact continues-as-new to keep its history small.
 *
 * Deletions follow HubSpot's truth too: a contact HubSpot no longer returns (deleted = archived, or merged)
 * is archived in Mailchimp — the email platform's way to drop someone while keeping their opt-out
 * history. A GDPR privacy deletion erases the member permanently instead. The email to act on is the last
 * one this run synced, else read from the archived contact (HubSpot keeps it for 90 days).
 * Opt-outs (hs_email_optout) are written as `unsubscribed` and never re-subscribed by a later sync.
 * The read and the upsert are direct calls (kit/directCalls) while HubSpot's and Mailchimp's rate limits
 * have room: a sync is then one workflow task, not three, and the rest of a burst waits on the queues.
 * A changed email moves the member to the new address (one contact, one member), found by the email this
 * run wrote or by HubSpot's email history; see followEmailChange.
 */
import type { Duration } from '@temporalio/common';
import { continueAsNew, defineSignal, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../systems/activities';
import type { HubspotContact } from '../../systems/hubspot/schemas';
import { mapContactToMailchimpMember, previousEmailsOf } from './mapping';
import { activityOptionsFor } from '../../systems/index';
import { callDirectOrQueued } from '../kit/directCalls';
import { alertOnFailure, sendAlert } from '../kit/failureAlert';
import { trackProgress } from '../kit/progress';
import { COMPLETE_WHEN_IDLE, RecordEvent, recordInbox } from '../kit/recordEvents';

export type ContactEvent = RecordEvent;

export interface ContactSyncInput {
  contactId: string;
  listId: string;
  /** How long the run waits for more events before completing, e.g. "1m". */
  idleTimeout: Duration;
  /**
   * Complete as soon as no event is pending, without a timer (kit/recordEvents COMPLETE_WHEN_IDLE): set
   * when the idle timeout is zero. A new field, so runs recorded before it replay with their timer.
   */
  completeWhenIdle?: boolean;
  /**
   * The contact-sync that started the run (CONTACT_SYNC_VERSION; carried across continueAsNew). From 1 the
   * run takes the email-change and direct-call paths without asking patched(): each patch costs every run
   * a marker and a search attribute upsert. Runs started before it have none and ask as they recorded.
   */
  version?: number;
  /** Events handed over by continueAsNew (or given at a manual start). */
  pending?: ContactEvent[];
  seenEventIds?: string[];
  eventsApplied?: number;
  /** The email last written to Mailchimp, carried across continueAsNew for deletions. */
  lastSyncedEmail?: string;
}

export interface ContactSyncResult {
  contactId: string;
  eventsApplied: number;
  syncs: number;
  duplicatesIgnored: number;
  lastOutcome?: string;
}

export const contactEventSignal = defineSignal<[ContactEvent]>('contactEvent');

const hubspot = proxyActivities<Pick<Activities, 'getHubspotContact' | 'searchHubspotContacts'>>(
  activityOptionsFor('hubspot'),
);
const mailchimp = proxyActivities<
  Pick<
    Activities,
    | 'upsertMailchimpMember'
    | 'archiveMailchimpMember'
    | 'deleteMailchimpMemberPermanently'
    | 'changeMailchimpMemberEmail'
  >
>(activityOptionsFor('mailchimp'));

/** Runs recorded before email changes were followed replay without them (no marker in their history). */
const EMAIL_CHANGE_PATCH = 'contact-sync-email-change';

/**
 * Syncs recorded before the HubSpot read and the Mailchimp upsert could be direct calls replay with both
 * on the systems' queues; from its next sync on, a run makes them directly while the rate limits have
 * room (kit/directCalls).
 */
const DIRECT_CALLS_PATCH = 'contact-sync-direct-calls';

/** What a run started now records as its `version`. */
export const CONTACT_SYNC_VERSION = 1;

/** HubSpot's GDPR delete: the contact is gone for good, so its member is erased, not archived. */
const PRIVACY_DELETION = 'contact.privacyDeletion';

const SYNCS_PER_RUN = 100;

export async function contactSync(input: ContactSyncInput): Promise<ContactSyncResult> {
  const state = { lastSyncedEmail: input.lastSyncedEmail };
  const result: ContactSyncResult = {
    contactId: input.contactId,
    eventsApplied: input.eventsApplied ?? 0,
    syncs: 0,
    duplicatesIgnored: 0,
  };
  const progress = trackProgress('contact-sync', result as unknown as Record<string, unknown>);

  const inbox = recordInbox(contactEventSignal, input, result);

  return alertOnFailure(progress, input.contactId, async () => {
    for (;;) {
      progress.stage = 'waiting for events';
      const batch = await inbox.nextBatch(input.completeWhenIdle ? COMPLETE_WHEN_IDLE : input.idleTimeout);
      if (!batch) break;
      progress.stage = 'syncing';
      result.lastOutcome = await syncContact(
        input,
        state,
        batch.map((e) => e.eventId).join(','),
        batch.some((e) => e.eventType === PRIVACY_DELETION),
      );
      progress.step(`sync ${batch.length} event(s): ${result.lastOutcome}`);
      result.syncs++;
      result.eventsApplied += batch.length;

      if (result.syncs >= SYNCS_PER_RUN || workflowInfo().continueAsNewSuggested) {
        return continueAsNew<typeof contactSync>({
          ...input,
          ...inbox.handOver(),
          eventsApplied: result.eventsApplied,
          lastSyncedEmail: state.lastSyncedEmail,
        });
      }
    }
    progress.stage = 'completed';
    return result;
  });
}

async function syncContact(
  input: ContactSyncInput,
  state: { lastSyncedEmail?: string },
  eventIds: string,
  privacyDeletion: boolean,
): Promise<string> {
  if (privacyDeletion) return eraseMember(input, state);
  const startedAfterPatches = (input.version ?? 0) >= 1;
  const followsEmailChanges = startedAfterPatches || patched(EMAIL_CHANGE_PATCH);
  // A run that has not written the member yet learns where it may be from the contact's email history.
  const withHistory = followsEmailChanges && !state.lastSyncedEmail;
  const direct = startedAfterPatches || patched(DIRECT_CALLS_PATCH);
  const readSummary = `Read HubSpot contact ${input.contactId}`;
  const readArgs: Parameters<Activities['getHubspotContact']> = withHistory
    ? [input.contactId, { emailHistory: true }]
    : [input.contactId];
  const contact = direct
    ? await callDirectOrQueued('getHubspotContact', readSummary, ...readArgs)
    : await hubspot.getHubspotContact.executeWithOptions({ summary: readSummary }, readArgs);
  if (!contact) return archiveMember(input, state);
  const mapped = mapContactToMailchimpMember(contact);
  if (!mapped.ok) return `skipped: ${mapped.reason}`;
  const moved = followsEmailChanges
    ? await followEmailChange(input, state, contact, mapped.member.email_address)
    : '';
  const upsertSummary = `Upsert contact ${input.contactId} into Mailchimp list ${input.listId} (events ${eventIds.slice(0, 60)})`;
  const member = direct
    ? await callDirectOrQueued('upsertMailchimpMember', upsertSummary, input.listId, mapped.member)
    : await mailchimp.upsertMailchimpMember.executeWithOptions({ summary: upsertSummary }, [
        input.listId,
        mapped.member,
      ]);
  state.lastSyncedEmail = mapped.member.email_address;
  return `member ${member.id} ${member.status}${moved}`;
}

/**
 * The contact's email changed: its member moves to the new address (Mailchimp keeps one member, with its
 * status and history), so no stale subscribed address stays behind. The old address is the one this run
 * wrote, else each earlier email in HubSpot's history (newest first) that no other contact now has —
 * never another contact's member. When the new address is already another member, that member becomes
 * the contact's and the old one is archived. Returns what happened, for the run's outcome.
 */
async function followEmailChange(
  input: ContactSyncInput,
  state: { lastSyncedEmail?: string },
  contact: HubspotContact,
  email: string,
): Promise<string> {
  const known = state.lastSyncedEmail;
  const candidates = (known ? [known] : previousEmailsOf(contact)).filter((old) => old !== email);
  for (const old of candidates) {
    if (!known && (await ownedByAnotherContact(input.contactId, old))) continue;
    const change = await mailchimp.changeMailchimpMemberEmail.executeWithOptions(
      { summary: `Move the Mailchimp member of contact ${input.contactId} to its new email` },
      [input.listId, old, email],
    );
    if (change.outcome === 'changed') return '; email changed: the member moved to the new address';
    if (change.outcome === 'new_email_taken') {
      await mailchimp.archiveMailchimpMember.executeWithOptions(
        { summary: `Archive the old Mailchimp member of contact ${input.contactId} (new email taken)` },
        [input.listId, old],
      );
      return '; the new email was already another member: the old member was archived';
    }
  }
  return '';
}

async function ownedByAnotherContact(contactId: string, email: string): Promise<boolean> {
  const found = await hubspot.searchHubspotContacts.executeWithOptions(
    { summary: `Check no other HubSpot contact has the earlier email of contact ${contactId}` },
    [{ filters: [{ propertyName: 'email', operator: 'EQ', value: email }], limit: 2 }],
  );
  return found.results.some((c) => c.id !== contactId);
}

async function archiveMember(input: ContactSyncInput, state: { lastSyncedEmail?: string }): Promise<string> {
  let email = state.lastSyncedEmail;
  if (!email) {
    const archived = await hubspot.getHubspotContact.executeWithOptions(
      { summary: `Read deleted HubSpot contact ${input.contactId} for its email` },
      [input.contactId, { archived: true }],
    );
    email = archived?.properties.email?.trim().toLowerCase() || undefined;
  }
  if (!email) return 'contact deleted in HubSpot; no email known, nothing to archive';
  const { archived } = await mailchimp.archiveMailchimpMember.executeWithOptions(
    { summary: `Archive Mailchimp member of deleted contact ${input.contactId}` },
    [input.listId, email],
  );
  return archived
    ? 'contact deleted in HubSpot: member archived'
    : 'contact deleted in HubSpot: no member to archive';
}

async function eraseMember(input: ContactSyncInput, state: { lastSyncedEmail?: string }): Promise<string> {
  const email = state.lastSyncedEmail;
  // HubSpot keeps nothing after a privacy deletion: without the email this run synced there is no member
  // to find, and guessing is worse than reporting it.
  // A legal request must not end quietly undone: a person is asked to erase the member by hand.
  if (!email) {
    await sendAlert(
      'contact-sync',
      input.contactId,
      `GDPR privacy deletion of HubSpot contact ${input.contactId}: its email is no longer known to ` +
        `Switchboard, so its Mailchimp member in list ${input.listId} was not erased; erase it by hand`,
    );
    return 'privacy deletion: email not known to this run; a person was alerted to erase the member';
  }
  const { deleted } = await mailchimp.deleteMailchimpMemberPermanently.executeWithOptions(
    { summary: `Permanently delete Mailchimp member of contact ${input.contactId} (GDPR)` },
    [input.listId, email],
  );
  state.lastSyncedEmail = undefined;
  return deleted ? 'privacy deletion: member permanently deleted' : 'privacy deletion: no member to delete';
}
