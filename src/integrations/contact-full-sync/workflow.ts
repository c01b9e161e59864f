/**
 * contact-full-sync (scheduled): every HubSpot contact → Mailchimp, page by page with HubSpot's `after`
 * cursor (100 contacts a page, HubSpot's most). Each page is written with one Mailchimp batch subscribe
 * call, while the next page is read: the sync goes at the APIs' paging rate (at 10 requests/s each, 1,000
 * contacts/s), not at one request per contact. Members the batch refuses are reported and retried one by
 * one with the single upsert (PUT), at most `concurrency` at a time; they never fail the page. Every
 * `pagesPerRun` pages the run continues-as-new with the cursor and the counters, so 100,000 contacts never
 * make a giant history.
 *
 * Runs recorded before the batch path (`patched('batch-upsert')` absent from their history) replay the
 * one-by-one path: every member upserted with its own PUT.
 *
 * One contact that Mailchimp refuses for good (a fake-looking address…) is counted and reported, not
 * allowed to fail the sync of everyone else. Deleted contacts are the real-time sync's job (HubSpot's
 * list only returns live contacts).
 */
import {
  ActivityFailure,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../systems/activities';
import type { HubspotContact } from '../../systems/hubspot/schemas';
import type { MailchimpMemberInput } from '../../systems/mailchimp/schemas';
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
  /** Members a batch call refused and that were then tried one by one (counted in upserted or failed). */
  retriedOneByOne?: number;
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
const mailchimp = proxyActivities<Pick<Activities, 'upsertMailchimpMember' | 'batchUpsertMailchimpMembers'>>(
  activityOptionsFor('mailchimp'),
);

const FAILURES_KEPT = 20;

type ContactPage = Awaited<ReturnType<Activities['listHubspotContacts']>>;
interface PageMember {
  contact: HubspotContact;
  member: MailchimpMemberInput;
}

export async function contactFullSync(input: ContactFullSyncInput): Promise<ContactFullSyncResult> {
  const startedAt = input.startedAt ?? Date.now(); // workflow time: deterministic
  const totals: ContactFullSyncTotals = input.totals
    ? { ...input.totals, runs: input.totals.runs + 1 }
    : { pages: 0, contacts: 0, upserted: 0, skipped: 0, failed: 0, retriedOneByOne: 0, runs: 1 };
  const failures = [...(input.failures ?? [])];
  const progress = trackProgress('contact-full-sync', totals as unknown as Record<string, unknown>);

  /** One member with its own PUT; a refusal is counted and reported, never thrown. */
  const upsertOne = async ({ contact, member }: PageMember): Promise<void> => {
    try {
      await mailchimp.upsertMailchimpMember.executeWithOptions({ summary: `Upsert contact ${contact.id}` }, [
        input.listId,
        member,
      ]);
      totals.upserted++;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      totals.failed++;
      if (failures.length < FAILURES_KEPT)
        failures.push({ contactId: contact.id, error: describeError(err) });
    }
  };

  /** The page in one batch call; whatever the batch refuses (or a batch call that fails) goes one by one. */
  const upsertPageInBatch = async (contacts: HubspotContact[], pageNumber: number): Promise<void> => {
    const batch: PageMember[] = [];
    const oneByOne: PageMember[] = [];
    const inBatch = new Set<string>();
    for (const contact of contacts) {
      totals.contacts++;
      const mapped = mapContactToMailchimpMember(contact);
      if (!mapped.ok) {
        totals.skipped++;
        continue;
      }
      // Mailchimp refuses an address twice in one batch: a second contact with it is written on its own.
      const email = mapped.member.email_address;
      (inBatch.has(email) ? oneByOne : batch).push({ contact, member: mapped.member });
      inBatch.add(email);
    }
    if (batch.length > 0) {
      let refused: PageMember[];
      try {
        const result = await mailchimp.batchUpsertMailchimpMembers.executeWithOptions(
          { summary: `Batch upsert page ${pageNumber}: ${batch.length} contacts` },
          [input.listId, batch.map((b) => b.member)],
        );
        const errors = new Map(result.errors.map((e) => [e.email_address.trim().toLowerCase(), e]));
        refused = batch.filter((b) => errors.has(b.member.email_address));
        if (refused.length > 0)
          log.warn('Mailchimp refused members of a batch; retrying them one by one', {
            page: pageNumber,
            refused: refused.map((b) => ({
              contactId: b.contact.id,
              error: errors.get(b.member.email_address),
            })),
          });
      } catch (err) {
        if (!(err instanceof ActivityFailure)) throw err;
        // The call failed as a whole, retries spent: every member of the page is tried on its own.
        refused = batch;
      }
      totals.upserted += batch.length - refused.length;
      totals.retriedOneByOne = (totals.retriedOneByOne ?? 0) + refused.length;
      oneByOne.push(...refused);
    }
    await mapBounded(oneByOne, input.concurrency, upsertOne);
  };

  const readPage = (after: string | undefined, pageNumber: number) =>
    hubspot.listHubspotContacts.executeWithOptions(
      { summary: `Read HubSpot contacts page ${pageNumber}${after ? ` (after ${after})` : ''}` },
      [after, input.pageSize],
    );

  return alertOnFailure(progress, undefined, async () => {
    const inBatches = patched('batch-upsert');
    let cursor = input.cursor;
    let prefetched: Promise<ContactPage> | undefined;
    for (let pagesThisRun = 0; ; pagesThisRun++) {
      if (pagesThisRun >= input.pagesPerRun || workflowInfo().continueAsNewSuggested) {
        return continueAsNew<typeof contactFullSync>({ ...input, cursor, totals, startedAt, failures });
      }
      progress.stage = `reading page ${totals.pages + 1}`;
      const page = await (prefetched ?? readPage(cursor, totals.pages + 1));
      prefetched = undefined;
      const after = page.paging?.next?.after;
      progress.stage = `syncing page ${totals.pages + 1}`;
      if (inBatches) {
        // HubSpot's next page is read while Mailchimp writes this one (two queues, two rate limits). The
        // read is awaited next time round; caught here so its failure is reported there, not as unhandled.
        if (after && pagesThisRun + 1 < input.pagesPerRun) {
          prefetched = readPage(after, totals.pages + 2);
          prefetched.catch(() => undefined);
        }
        await upsertPageInBatch(page.results, totals.pages + 1);
      } else {
        await mapBounded(page.results, input.concurrency, async (contact) => {
          totals.contacts++;
          const mapped = mapContactToMailchimpMember(contact);
          if (!mapped.ok) {
            totals.skipped++;
            return;
          }
          await upsertOne({ contact, member: mapped.member });
        });
      }
      totals.pages++;
      progress.step(`page ${totals.pages}: ${page.results.length} contacts`);
      cursor = after;
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
