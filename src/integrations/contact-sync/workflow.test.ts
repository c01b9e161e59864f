/** contact-sync's branches with stubbed HubSpot and Mailchimp, on the time-skipping test server. */
import type { WorkflowHandle } from '@temporalio/client';
import { useWorkflowHarness, WorkflowRun } from '../../../test/helpers/workflowHarness';
import { ContactEvent, contactEventSignal, contactSync, ContactSyncInput } from './workflow';

const harness = useWorkflowHarness();

const LIST = 'list-1';
const contact = (email: string, firstname = 'Ada') => ({ id: '42', properties: { email, firstname } });
const event = (eventId: string, eventType = 'contact.propertyChange'): ContactEvent => ({
  eventId,
  eventType,
  occurredAt: 0,
});

let n = 0;
function startWith(run: WorkflowRun, first: ContactEvent, input: Partial<ContactSyncInput> = {}) {
  return run.client.workflow.signalWithStart(contactSync, {
    taskQueue: run.taskQueue,
    workflowId: `contact-sync/hubspot/contact-42-${++n}`,
    args: [{ contactId: '42', listId: LIST, idleTimeout: '1h', ...input }],
    signal: contactEventSignal,
    signalArgs: [first],
  });
}

test('a created contact is read from HubSpot and upserted; the run closes after the idle timeout', () =>
  harness.run(
    {
      getHubspotContact: async () => contact(' Ada@Example.com '),
      upsertMailchimpMember: async () => ({ id: 'm1', status: 'subscribed' }),
    },
    async (run) => {
      const handle = await startWith(run, event('e1', 'contact.creation'));
      await expect(handle.result()).resolves.toMatchObject({
        contactId: '42',
        eventsApplied: 1,
        syncs: 1,
        lastOutcome: 'member m1 subscribed',
      });
      expect(run.names()).toEqual(['getHubspotContact', 'upsertMailchimpMember']);
      expect(run.argsOf('upsertMailchimpMember')).toEqual([
        [
          LIST,
          {
            email_address: 'ada@example.com',
            status_if_new: 'subscribed',
            merge_fields: { FNAME: 'Ada' },
          },
        ],
      ]);
      // Nothing else arrived: the run waited its idle hour (skipped) and completed.
      const { startTime, closeTime } = await handle.describe();
      expect(closeTime!.getTime() - startTime.getTime()).toBeGreaterThanOrEqual(3600_000);
    },
  ));

/** HubSpot has Ada; Mailchimp takes every upsert. */
const adaSynced = {
  getHubspotContact: async () => contact('ada@example.com'),
  upsertMailchimpMember: async () => ({ id: 'm1', status: 'subscribed' }),
};
const SYNC_CALLS = ['getHubspotContact', 'upsertMailchimpMember'];

test('completing when idle: the run ends in the task of its last sync, with no timer', () =>
  harness.run(adaSynced, async (run) => {
    const handle = await startWith(run, event('e1', 'contact.creation'), {
      idleTimeout: '0s',
      completeWhenIdle: true,
    });
    await expect(handle.result()).resolves.toMatchObject({ eventsApplied: 1, syncs: 1 });
    expect(run.names()).toEqual(['getHubspotContact', 'upsertMailchimpMember']);
    const { events } = await handle.fetchHistory();
    expect(events!.filter((e) => e.timerStartedEventAttributes)).toEqual([]);
    expect(events!.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(1);
  }));

test('an event arriving during the last task: Temporal refuses the completion, the run syncs again with it', () => {
  let handle: WorkflowHandle | undefined;
  let eventSent = false;
  return harness.run(
    {
      ...adaSynced,
      upsertMailchimpMember: async () => {
        if (!eventSent) {
          eventSent = true;
          await handle!.signal(contactEventSignal, event('e2'));
        }
        return { id: 'm1', status: 'subscribed' };
      },
    },
    async (run) => {
      handle = await startWith(run, event('e1', 'contact.creation'), { completeWhenIdle: true, version: 1 });
      await expect(handle.result()).resolves.toMatchObject({ eventsApplied: 2, duplicatesIgnored: 0 });
      const { events } = await handle.fetchHistory();
      // The refused task left no marker: its two calls were made again, with both events in one batch.
      expect(events!.filter((e) => e.workflowTaskFailedEventAttributes)).toHaveLength(1);
      expect(run.names()).toEqual([...SYNC_CALLS, ...SYNC_CALLS]);
    },
  );
});

test('a run started by version 1 records no patch marker; one started before asks patched() as recorded', () =>
  harness.run(adaSynced, async (run) => {
    const patchMarkers = async (handle: WorkflowHandle) =>
      (await handle.fetchHistory()).events!.filter(
        (e) => e.markerRecordedEventAttributes?.markerName === 'core_patch',
      ).length;
    const versioned = await startWith(run, event('e1', 'contact.creation'), {
      completeWhenIdle: true,
      version: 1,
    });
    await versioned.result();
    const before = await startWith(run, event('e1', 'contact.creation'), { completeWhenIdle: true });
    await before.result();
    expect(await patchMarkers(versioned)).toBe(0);
    expect(await patchMarkers(before)).toBe(2);
    // Either way the read and the upsert were direct calls.
    expect(run.names()).toEqual([...SYNC_CALLS, ...SYNC_CALLS]);
  }));

test('a run recorded with a zero idle timeout but no completeWhenIdle still waits on its timer', () =>
  harness.run(adaSynced, async (run) => {
    const handle = await startWith(run, event('e1', 'contact.creation'), { idleTimeout: '0s' });
    await expect(handle.result()).resolves.toMatchObject({ eventsApplied: 1, syncs: 1 });
    const { events } = await handle.fetchHistory();
    expect(events!.filter((e) => e.timerStartedEventAttributes)).toHaveLength(1);
  }));

test('a contact HubSpot no longer returns is archived in Mailchimp by its last synced email', () =>
  harness.run(
    {
      getHubspotContact: async () => null,
      archiveMailchimpMember: async () => ({ archived: true }),
    },
    async (run) => {
      const handle = await startWith(run, event('e1', 'contact.deletion'), {
        lastSyncedEmail: 'ada@example.com',
      });
      await expect(handle.result()).resolves.toMatchObject({
        lastOutcome: 'contact deleted in HubSpot: member archived',
      });
      expect(run.argsOf('getHubspotContact')).toEqual([['42']]);
      expect(run.argsOf('archiveMailchimpMember')).toEqual([[LIST, 'ada@example.com']]);
    },
  ));

test('a deleted contact this run never synced is archived by the email of the archived HubSpot record', () =>
  harness.run(
    {
      getHubspotContact: async (_id, opts) => (opts?.archived ? contact('Old@Example.com') : null),
      archiveMailchimpMember: async () => ({ archived: false }),
    },
    async (run) => {
      const handle = await startWith(run, event('e1', 'contact.deletion'));
      await expect(handle.result()).resolves.toMatchObject({
        lastOutcome: 'contact deleted in HubSpot: no member to archive',
      });
      expect(run.argsOf('getHubspotContact')).toEqual([
        ['42', { emailHistory: true }],
        ['42', { archived: true }],
      ]);
      expect(run.argsOf('archiveMailchimpMember')).toEqual([[LIST, 'old@example.com']]);
    },
  ));

test('a GDPR privacy deletion erases the member permanently, without reading HubSpot', () =>
  harness.run({ deleteMailchimpMemberPermanently: async () => ({ deleted: true }) }, async (run) => {
    const handle = await startWith(run, event('e1', 'contact.privacyDeletion'), {
      lastSyncedEmail: 'ada@example.com',
    });
    await expect(handle.result()).resolves.toMatchObject({
      lastOutcome: 'privacy deletion: member permanently deleted',
    });
    expect(run.names()).toEqual(['deleteMailchimpMemberPermanently']);
    expect(run.argsOf('deleteMailchimpMemberPermanently')).toEqual([[LIST, 'ada@example.com']]);
  }));

test('a privacy deletion whose email is unknown alerts a person instead of guessing', () =>
  harness.run({ raiseRunFailureAlert: async () => ({ delivered: true }) }, async (run) => {
    const handle = await startWith(run, event('e1', 'contact.privacyDeletion'));
    await expect(handle.result()).resolves.toMatchObject({
      syncs: 1,
      lastOutcome: 'privacy deletion: email not known to this run; a person was alerted to erase the member',
    });
    expect(run.names()).toEqual(['raiseRunFailureAlert']);
    expect(run.argsOf('raiseRunFailureAlert')[0][0]).toMatchObject({
      integration: 'contact-sync',
      recordId: '42',
      error: expect.stringContaining(`Mailchimp member in list ${LIST} was not erased`),
    });
  }));

test('events arriving one after another are applied in order; a redelivered event is dropped', () => {
  const states = [contact('ada@example.com'), contact('ada.lovelace@example.com'), null];
  return harness.run(
    {
      getHubspotContact: async () => states.shift(),
      upsertMailchimpMember: async (_list, member) => ({ id: member.email_address, status: 'subscribed' }),
      changeMailchimpMemberEmail: async () => ({ outcome: 'changed', memberId: 'm1' }),
      archiveMailchimpMember: async () => ({ archived: true }),
    },
    async (run) => {
      const handle = await startWith(run, event('e1', 'contact.creation'));
      // Each signal goes out once the previous batch is being synced, so each is a batch of its own.
      await run.called('getHubspotContact', 1);
      await handle.signal(contactEventSignal, event('e2'));
      await run.called('getHubspotContact', 2);
      await handle.signal(contactEventSignal, event('e1', 'contact.creation'));
      await handle.signal(contactEventSignal, event('e3', 'contact.deletion'));

      await expect(handle.result()).resolves.toMatchObject({
        eventsApplied: 3,
        syncs: 3,
        duplicatesIgnored: 1,
        lastOutcome: 'contact deleted in HubSpot: member archived',
      });
      expect(run.names()).toEqual([
        'getHubspotContact',
        'upsertMailchimpMember',
        'getHubspotContact',
        'changeMailchimpMemberEmail',
        'upsertMailchimpMember',
        'getHubspotContact',
        'archiveMailchimpMember',
      ]);
      // The email this run wrote is where the member is: it moves there, no second member.
      expect(run.argsOf('changeMailchimpMemberEmail')).toEqual([
        [LIST, 'ada@example.com', 'ada.lovelace@example.com'],
      ]);
      expect(run.argsOf('upsertMailchimpMember').map(([, m]) => m)).toMatchObject([
        { email_address: 'ada@example.com' },
        { email_address: 'ada.lovelace@example.com' },
      ]);
      // The deletion archives the newest email this run wrote, not the first one.
      expect(run.argsOf('archiveMailchimpMember')).toEqual([[LIST, 'ada.lovelace@example.com']]);
    },
  );
});

describe('an email changed after the run that wrote the member', () => {
  const withHistory = (email: string, ...earlier: string[]) => ({
    ...contact(email),
    propertiesWithHistory: { email: [email, ...earlier].map((value) => ({ value })) },
  });

  test('the member is looked for under each earlier email, newest first, until one is there', () =>
    harness.run(
      {
        getHubspotContact: async () => withHistory('c@example.com', 'B@example.com', 'a@example.com'),
        searchHubspotContacts: async () => ({ results: [{ id: '42', properties: {} }], total: 1 }),
        changeMailchimpMemberEmail: async (_list, from) =>
          from === 'a@example.com' ? { outcome: 'changed', memberId: 'm1' } : { outcome: 'not_found' },
        upsertMailchimpMember: async () => ({ id: 'm1', status: 'subscribed' }),
      },
      async (run) => {
        const handle = await startWith(run, event('e1'));
        await expect(handle.result()).resolves.toMatchObject({
          lastOutcome: 'member m1 subscribed; email changed: the member moved to the new address',
        });
        expect(run.argsOf('getHubspotContact')).toEqual([['42', { emailHistory: true }]]);
        expect(run.argsOf('changeMailchimpMemberEmail')).toEqual([
          [LIST, 'b@example.com', 'c@example.com'],
          [LIST, 'a@example.com', 'c@example.com'],
        ]);
      },
    ));

  test('an earlier email another contact now has is never taken from that contact’s member', () =>
    harness.run(
      {
        getHubspotContact: async () => withHistory('new@example.com', 'shared@example.com'),
        searchHubspotContacts: async () => ({ results: [{ id: '77', properties: {} }], total: 1 }),
        upsertMailchimpMember: async () => ({ id: 'm2', status: 'subscribed' }),
      },
      async (run) => {
        const handle = await startWith(run, event('e1'));
        await expect(handle.result()).resolves.toMatchObject({ lastOutcome: 'member m2 subscribed' });
        expect(run.names()).toEqual(['getHubspotContact', 'searchHubspotContacts', 'upsertMailchimpMember']);
      },
    ));

  test('a new email that is already another member: that member is kept, the old one archived', () =>
    harness.run(
      {
        getHubspotContact: async () => withHistory('new@example.com', 'old@example.com'),
        searchHubspotContacts: async () => ({ results: [], total: 0 }),
        changeMailchimpMemberEmail: async () => ({ outcome: 'new_email_taken' }),
        archiveMailchimpMember: async () => ({ archived: true }),
        upsertMailchimpMember: async () => ({ id: 'm3', status: 'subscribed' }),
      },
      async (run) => {
        const handle = await startWith(run, event('e1'));
        await expect(handle.result()).resolves.toMatchObject({
          lastOutcome:
            'member m3 subscribed; the new email was already another member: the old member was archived',
        });
        expect(run.argsOf('archiveMailchimpMember')).toEqual([[LIST, 'old@example.com']]);
        expect(run.argsOf('upsertMailchimpMember')[0][1]).toMatchObject({ email_address: 'new@example.com' });
      },
    ));
});
