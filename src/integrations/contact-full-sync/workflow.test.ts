/** contact-full-sync's paging, continue-as-new and failure reporting, with stubbed HubSpot and Mailchimp. */
import { refused, useWorkflowHarness, WorkflowRun } from '../../../test/helpers/workflowHarness';
import { contactFullSync, ContactFullSyncInput } from './workflow';

const harness = useWorkflowHarness();

const contact = (id: string, email?: string) => ({
  id,
  properties: { email: email ?? `c${id}@example.com` },
});
type Page = { results: ReturnType<typeof contact>[]; paging?: { next: { after: string } } };
/** HubSpot's pages, keyed by the cursor that reads them (the first page has none). */
const PAGES: Record<string, Page> = {
  start: { results: [contact('1'), contact('2')], paging: { next: { after: 'c3' } } },
  c3: { results: [contact('3'), contact('4', '')], paging: { next: { after: 'c5' } } },
  c5: { results: [contact('5')] },
};
const listPages = async (after: string | undefined) => PAGES[after ?? 'start'];
const allAccepted = async () => ({ created: 0, updated: 0, errors: [] });

let n = 0;
function start(run: WorkflowRun, input: Partial<ContactFullSyncInput> = {}) {
  return run.client.workflow.start(contactFullSync, {
    taskQueue: run.taskQueue,
    workflowId: `contact-full-sync-${++n}`,
    args: [{ listId: 'list-1', pageSize: 2, pagesPerRun: 10, concurrency: 2, ...input }],
  });
}

const emailsOf = (members: unknown) => (members as { email_address: string }[]).map((m) => m.email_address);

test('every page is read with the cursor of the one before and written in one batch call', () =>
  harness.run({ listHubspotContacts: listPages, batchUpsertMailchimpMembers: allAccepted }, async (run) => {
    const handle = await start(run);
    await expect(handle.result()).resolves.toMatchObject({
      pages: 3,
      contacts: 5,
      upserted: 4,
      skipped: 1, // contact 4 has no email
      failed: 0,
      runs: 1,
      failures: [],
    });
    expect(run.argsOf('listHubspotContacts')).toEqual([
      [undefined, 2],
      ['c3', 2],
      ['c5', 2],
    ]);
    expect(
      run.argsOf('batchUpsertMailchimpMembers').map(([list, members]) => [list, emailsOf(members)]),
    ).toEqual([
      ['list-1', ['c1@example.com', 'c2@example.com']],
      ['list-1', ['c3@example.com']],
      ['list-1', ['c5@example.com']],
    ]);
    expect(run.names()).not.toContain('upsertMailchimpMember');
  }));

test('after pagesPerRun pages the run continues as new, carrying the cursor and the totals', () =>
  harness.run(
    {
      listHubspotContacts: listPages,
      batchUpsertMailchimpMembers: allAccepted,
      raiseRunFailureAlert: async () => ({ delivered: true }),
    },
    async (run) => {
      const handle = await start(run, { pagesPerRun: 2 });
      await expect(handle.result()).resolves.toMatchObject({ pages: 3, contacts: 5, upserted: 4, runs: 2 });
      const latest = await handle.describe();
      expect(latest.runId).not.toBe(handle.firstExecutionRunId);
      // Each page read once: the first run did not read ahead into the page the next run starts with.
      expect(run.argsOf('listHubspotContacts').map(([after]) => after)).toEqual([undefined, 'c3', 'c5']);
      // Handing over to the next run is no failure: nobody is alerted.
      expect(run.argsOf('raiseRunFailureAlert')).toEqual([]);
    },
  ));

test('members Mailchimp refuses are retried one by one; one refused for good is reported, not fatal', () =>
  harness.run(
    {
      listHubspotContacts: listPages,
      batchUpsertMailchimpMembers: async (_list, members) => ({
        created: 0,
        updated: 0,
        errors: members
          .filter((m) => m.email_address !== 'c5@example.com')
          .slice(0, 2)
          .map((m) => ({ email_address: m.email_address, error: 'looks fake' })),
      }),
      upsertMailchimpMember: async (_list, member) => {
        if (member.email_address === 'c2@example.com') throw refused('c2@example.com looks fake');
        return { id: member.email_address, status: 'subscribed' };
      },
    },
    async (run) => {
      const handle = await start(run);
      const result = await handle.result();
      expect(result).toMatchObject({ pages: 3, contacts: 5, upserted: 3, skipped: 1, failed: 1 });
      expect(result.retriedOneByOne).toBe(3);
      expect(result.failures).toEqual([
        { contactId: '2', error: expect.stringContaining('c2@example.com looks fake') },
      ]);
      expect(
        run
          .argsOf('upsertMailchimpMember')
          .map(([, m]) => emailsOf([m])[0])
          .sort(),
      ).toEqual(['c1@example.com', 'c2@example.com', 'c3@example.com']);
    },
  ));

test('a batch call refused as a whole sends that page one by one; the other pages still go in batches', () =>
  harness.run(
    {
      listHubspotContacts: listPages,
      batchUpsertMailchimpMembers: async (_list, members) => {
        if (members.some((m) => m.email_address === 'c3@example.com')) throw refused('batch too large');
        return { created: members.length, updated: 0, errors: [] };
      },
      upsertMailchimpMember: async (_list, member) => ({ id: member.email_address, status: 'subscribed' }),
    },
    async (run) => {
      const handle = await start(run);
      await expect(handle.result()).resolves.toMatchObject({ upserted: 4, failed: 0, retriedOneByOne: 1 });
      expect(run.argsOf('upsertMailchimpMember').map(([, m]) => emailsOf([m])[0])).toEqual([
        'c3@example.com',
      ]);
    },
  ));
