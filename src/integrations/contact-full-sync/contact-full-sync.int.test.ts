/**
 * The scheduled full sync over 5,000 sandbox contacts, through a real dev server. Rate limits are raised
 * for this test (MAILCHIMP_RATE_LIMIT_PER_SECOND / HUBSPOT_RATE_LIMIT_PER_SECOND): it measures what the
 * workflow and Temporal sustain, not the production limits of the APIs.
 */
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { subscriberHash } from '../../systems/mailchimp/api';
import type { ContactFullSyncResult } from './workflow';
import { ensureSchedules } from '../../runtime/schedules';
import { CONTACT_FULL_SYNC_ID as CONTACT_FULL_SYNC_SCHEDULE_ID } from './definition';
import { expectedCredential } from '../../sandbox/server';
import { recordHistory } from '../../../test/helpers/histories';
import { startStack, TestStack, uniqueId } from '../../../test/helpers/stack';

const CONTACTS = 5_000;

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    env: {
      MAILCHIMP_RATE_LIMIT_PER_SECOND: '5000',
      HUBSPOT_RATE_LIMIT_PER_SECOND: '100',
      CONTACT_FULL_SYNC_INTERVAL: '2h',
      MAILCHIMP_LIST_ID: 'full-sync-list',
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

test(`a full sync pages through ${CONTACTS} contacts with continueAsNew and upserts every one`, async () => {
  stack.sandbox.hubspot.contacts.clear();
  stack.sandbox.hubspot.seedContacts(CONTACTS, 'full');
  const workflowId = `contact-full-sync/hubspot/test-${uniqueId()}`;
  const started = Date.now();
  const handle = await stack.client.workflow.start('contactFullSync', {
    taskQueue: stack.config.temporal.taskQueue,
    workflowId,
    args: [{ listId: 'full-sync-list', pageSize: 100, pagesPerRun: 10, concurrency: 50 }],
  });
  const result = (await handle.result()) as ContactFullSyncResult;
  const seconds = (Date.now() - started) / 1000;

  expect(result).toMatchObject({ contacts: CONTACTS, upserted: CONTACTS, skipped: 0, failed: 0, pages: 50 });
  expect(result.failures).toEqual([]);
  // Each HubSpot page is one batch subscribe call; no member needed its own PUT.
  const calls = stack.sandbox.recorders.mailchimp.requests.filter((r) => r.at >= started);
  expect(calls.filter((r) => r.method === 'POST' && r.path === '/3.0/lists/full-sync-list')).toHaveLength(50);
  expect(calls.filter((r) => r.method === 'PUT')).toHaveLength(0);
  expect(result.retriedOneByOne).toBe(0);
  const members = stack.sandbox.mailchimp.members('full-sync-list');
  expect(members).toHaveLength(CONTACTS);
  expect(
    stack.sandbox.mailchimp.lists.get('full-sync-list')?.get(subscriberHash('full-4999@example.com')),
  ).toMatchObject({
    status: 'subscribed',
    merge_fields: { FNAME: 'First4999', LNAME: 'Last4999' },
  });

  // 50 pages, 10 per run: the chain is 5 runs, 4 of them closed by continue-as-new.
  expect(result.runs).toBe(5);
  const statuses: string[] = [];
  for await (const run of stack.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
    statuses.push(run.status.name);
  expect(statuses.filter((s) => s === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(1);

  console.log(
    `contact-full-sync: ${result.contacts} contacts, ${result.pages} pages, ${result.runs} runs ` +
      `(continue-as-new every 10 pages), concurrency 50: ${seconds.toFixed(1)} s end to end, ` +
      `${(result.contacts / seconds).toFixed(0)} contacts/s (workflow-measured ${result.contactsPerSecond}/s)`,
  );
});

test('members a batch refuses are reported and retried one by one; the page never fails', async () => {
  stack.sandbox.hubspot.contacts.clear();
  const ids = stack.sandbox.hubspot.seedContacts(30, 'refused');
  const listId = `refused-${uniqueId()}`;
  const mailchimpApi = (method: string, path: string, json?: unknown) =>
    fetch(`${stack.sandbox.url}/mailchimp/3.0/lists/${listId}${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`any:${expectedCredential(stack.config.systems.mailchimp.auth)}`).toString('base64')}`,
        'content-type': 'application/json',
      },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
  // Unsubscribed in Mailchimp itself: a batch may not subscribe them again; their own PUT (status_if_new)
  // updates the fields and keeps the opt-out.
  const optedOut = 'refused-3@example.com';
  await mailchimpApi('PUT', `/members/${subscriberHash(optedOut)}`, {
    email_address: optedOut,
    status: 'unsubscribed',
    status_if_new: 'unsubscribed',
    merge_fields: { FNAME: 'Before' },
  });
  // Erased for good (GDPR): refused in the batch and alone, so reported as failed.
  const forgotten = 'refused-7@example.com';
  await mailchimpApi('PUT', `/members/${subscriberHash(forgotten)}`, {
    email_address: forgotten,
    status_if_new: 'subscribed',
    merge_fields: {},
  });
  expect(
    (await mailchimpApi('POST', `/members/${subscriberHash(forgotten)}/actions/delete-permanent`)).status,
  ).toBe(204);

  const started = Date.now();
  const handle = await stack.client.workflow.start('contactFullSync', {
    taskQueue: stack.config.temporal.taskQueue,
    workflowId: `contact-full-sync/hubspot/refused-${uniqueId()}`,
    args: [{ listId, pageSize: 10, pagesPerRun: 2, concurrency: 4 }],
  });
  const result = (await handle.result()) as ContactFullSyncResult;

  expect(result).toMatchObject({
    contacts: 30,
    upserted: 29,
    failed: 1,
    skipped: 0,
    pages: 3,
    retriedOneByOne: 2,
  });
  expect(result.failures).toEqual([
    { contactId: ids[7], error: expect.stringContaining('permanently deleted') },
  ]);
  expect(stack.sandbox.mailchimp.lists.get(listId)?.get(subscriberHash(optedOut))).toMatchObject({
    status: 'unsubscribed',
    merge_fields: { FNAME: 'First3' },
  });
  expect(stack.sandbox.mailchimp.members(listId)).toHaveLength(29);
  // Three batch calls (one a page), then one PUT for each refused member only.
  const calls = stack.sandbox.recorders.mailchimp.requests.filter((r) => r.at >= started);
  expect(calls.filter((r) => r.method === 'POST' && r.path === `/3.0/lists/${listId}`)).toHaveLength(3);
  expect(
    calls
      .filter((r) => r.method === 'PUT')
      .map((r) => (r.body as { email_address: string }).email_address)
      .sort(),
  ).toEqual([optedOut, forgotten]);
});

test('a small full sync (recorded for replay): every page synced, continue-as-new between runs', async () => {
  stack.sandbox.hubspot.contacts.clear();
  stack.sandbox.hubspot.seedContacts(25, 'small');
  const workflowId = `contact-full-sync/hubspot/small-${uniqueId()}`;
  const handle = await stack.client.workflow.start('contactFullSync', {
    taskQueue: stack.config.temporal.taskQueue,
    workflowId,
    args: [{ listId: 'small-list', pageSize: 10, pagesPerRun: 2, concurrency: 4 }],
  });
  const result = (await handle.result()) as ContactFullSyncResult;
  expect(result).toMatchObject({ contacts: 25, upserted: 25, failed: 0, pages: 3, runs: 2 });
  expect(stack.sandbox.mailchimp.members('small-list')).toHaveLength(25);
  // Continuing as new is no failure: the first run ended without a failure alert.
  const firstRun = await stack.client.workflow
    .getHandle(workflowId, handle.firstExecutionRunId)
    .fetchHistory();
  const scheduled = firstRun.events?.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name);
  expect(scheduled).toContain('batchUpsertMailchimpMembers');
  expect(scheduled).not.toContain('raiseRunFailureAlert');
  // The first run: two pages (the second read while the first is written), then continue-as-new.
  await recordHistory(stack.client, workflowId, 'contact-full-sync', undefined, handle.firstExecutionRunId);
});

test('ensureSchedules creates the full-sync schedule once, then updates it idempotently (overlap SKIP)', async () => {
  try {
    expect(await ensureSchedules(stack.client, stack.config)).toEqual({
      [CONTACT_FULL_SYNC_SCHEDULE_ID]: 'created',
    });
    expect(await ensureSchedules(stack.client, stack.config)).toEqual({
      [CONTACT_FULL_SYNC_SCHEDULE_ID]: 'updated',
    });
    const description = await stack.client.schedule.getHandle(CONTACT_FULL_SYNC_SCHEDULE_ID).describe();
    expect(description.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
    expect(description.spec.intervals).toEqual([expect.objectContaining({ every: 2 * 60 * 60 * 1000 })]);
    expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'contactFullSync' });
    expect(description.action.args).toEqual([
      { listId: 'full-sync-list', pageSize: 100, pagesPerRun: 10, concurrency: 20 },
    ]);
    expect(description.state.paused).toBe(false);
  } finally {
    await stack.client.schedule
      .getHandle(CONTACT_FULL_SYNC_SCHEDULE_ID)
      .delete()
      .catch(() => undefined);
  }
});
