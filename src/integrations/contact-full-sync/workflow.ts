/**
 * contact-full-sync (scheduled): every HubSpot contact → Mailchimp, page by page with HubSpot's `after`
 * cursor. Each page's members are upserted concurrently, at most `concurrency` at a time (the Mailchimp
 * queue's rate limit still holds across workers). Every `pagesPerRun` pages the run continues-as-new with
 * the cursor and the counters, so 100,000 contacts never make a giant history.
 *
 * One contact that Mailchimp refuses for good (a fake-looking address…) is counted and reported, not
 * allowed to fail the sync of everyone else. Deleted contacts are the real-time sync's job (HubSpot's
 * list only returns live contacts).
 */
import { ActivityFailure, continueAsNew, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../systems/activities';
import { mapContactToMailchimpMember } from '../contact-sync/mapping';
import { activityOptionsFor } from '../../systems/index';
import { alertOnFailure, describeError } from '../kit/failureAlert';
import { mapBounded } from '../kit/mapBounded';
import { trackProgress } from '../kit/progress';

export interface ContactFullSyncTotals {
  pages: number;
  contacts: number;
  upserted: number;
  skipped: number;
  failed: number;
  /** How many runs the chain has used so far (1 + continue-as-new count). */
  runs: number;
}

export interface ContactFullSyncInput {
  listId: string;
  pageSize: number;
  pagesPerRun: number;
  concurrency: number;
  /** Carried across continueAsNew. */
  cursor?: string;
  totals?: ContactFullSyncTotals;
  startedAt?: number;
  failures?: { contactId: string; error: string }[];
}

export interface ContactFullSyncResult extends ContactFullSyncTotals {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  contactsPerSecond: number;
  /** A sample of the contacts that could not be synced and why. */
  failures: { contactId: string; error: string }[];
}

const hubspot = proxyActivities<Pick<Activities, 'listHubspotContacts'>>(activityOptionsFor('hubspot'));
const mailchimp = proxyActivities<Pick<Activities, 'upsertMailchimpMember'>>(activityOptionsFor('mailchimp'));

const FAILURES_KEPT = 20;

export async function contactFullSync(input: ContactFullSyncInput): Promise<ContactFullSyncResult> {
  const startedAt = input.startedAt ?? Date.now(); // workflow time: deterministic
  const totals: ContactFullSyncTotals = input.totals
    ? { ...input.totals, runs: input.totals.runs + 1 }
    : { pages: 0, contacts: 0, upserted: 0, skipped: 0, failed: 0, runs: 1 };
  const failures = [...(input.failures ?? [])];
  const progress = trackProgress('contact-full-sync', totals as unknown as Record<string, unknown>);

  return alertOnFailure(progress, undefined, async () => {
    let cursor = input.cursor;
    for (let pagesThisRun = 0; ; pagesThisRun++) {
      if (pagesThisRun >= input.pagesPerRun || workflowInfo().continueAsNewSuggested) {
        return continueAsNew<typeof contactFullSync>({ ...input, cursor, totals, startedAt, failures });
      }
      progress.stage = `reading page ${totals.pages + 1}`;
      const page = await hubspot.listHubspotContacts.executeWithOptions(
        { summary: `Read HubSpot contacts page ${totals.pages + 1}${cursor ? ` (after ${cursor})` : ''}` },
        [cursor, input.pageSize],
      );
      progress.stage = `syncing page ${totals.pages + 1}`;
      await mapBounded(page.results, input.concurrency, async (contact) => {
        totals.contacts++;
        const mapped = mapContactToMailchimpMember(contact);
        if (!mapped.ok) {
          totals.skipped++;
          return;
        }
        try {
          await mailchimp.upsertMailchimpMember.executeWithOptions(
            { summary: `Upsert contact ${contact.id}` },
            [input.listId, mapped.member],
          );
          totals.upserted++;
        } catch (err) {
          if (!(err instanceof ActivityFailure)) throw err;
          totals.failed++;
          if (failures.length < FAILURES_KEPT)
            failures.push({ contactId: contact.id, error: describeError(err) });
        }
      });
      totals.pages++;
      progress.step(`page ${totals.pages}: ${page.results.length} contacts`);
      cursor = page.paging?.next?.after;
      if (!cursor) break;
    }
    const finished = Date.now();
    const durationMs = finished - startedAt;
    progress.stage = 'completed';
    return {
      ...totals,
      startedAt: new Date(startedAt).toISOString(),
      finishedAt: new Date(finished).toISOString(),
      durationMs,
      contactsPerSecond: durationMs > 0 ? Math.round((totals.contacts / durationMs) * 1000 * 10) / 10 : 0,
      failures,
    };
  });
}
