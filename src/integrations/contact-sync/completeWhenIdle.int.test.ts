/**
 * contact-sync as `npm start` runs it (CONTACT_SYNC_IDLE_TIMEOUT=0s, the default): a run completes in the
 * workflow task of its last sync, and the contact's next event starts the next run.
 */
import { subscriberHash } from '../../systems/mailchimp/api';
import type { ContactSyncResult } from './workflow';
import { recordHistory } from '../../../test/helpers/histories';
import { apiKeyHeader, eventually, uniqueId, useStack } from '../../../test/helpers/stack';

const stack = useStack({ env: { CONTACT_SYNC_IDLE_TIMEOUT: '0s' } });

const listId = () => stack.config.contactSync.mailchimpListId;
const member = (email: string) => stack.sandbox.mailchimp.lists.get(listId())?.get(subscriberHash(email));
const workflowIdOf = (id: string) => `contact-sync/hubspot/contact-${id}`;

test('a run completes with its sync: no timer, no second task, no patch marker; the next event starts a new run', async () => {
  const id = uniqueId();
  const email = `idle.${id}@example.com`;
  stack.sandbox.hubspot.upsertContact(id, { email, firstname: 'First' });
  await stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.creation', objectId: id }]);
  const first = stack.client.workflow.getHandle(workflowIdOf(id));
  await expect(first.result()).resolves.toMatchObject({ eventsApplied: 1, syncs: 1 });
  expect(member(email)).toMatchObject({ merge_fields: { FNAME: 'First' } });
  const firstRunId = (await first.describe()).runId;

  const { events } = await first.fetchHistory();
  expect(events!.filter((e) => e.timerStartedEventAttributes)).toEqual([]);
  expect(events!.filter((e) => e.workflowTaskCompletedEventAttributes)).toHaveLength(1);
  // Started by this version, the run asks no patched(): its only markers are the two direct calls, and it
  // upserts no search attribute (TemporalChangeVersion) after its start.
  expect(events!.filter((e) => e.markerRecordedEventAttributes?.markerName !== undefined)).toHaveLength(2);
  expect(
    events!.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity'),
  ).toHaveLength(2);
  expect(events!.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes)).toEqual([]);
  await recordHistory(stack.client, workflowIdOf(id), 'contact-sync', 'contact-sync.complete-when-idle');

  stack.sandbox.hubspot.upsertContact(id, { firstname: 'Second' });
  await stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.propertyChange', objectId: id }]);
  const second = stack.client.workflow.getHandle(workflowIdOf(id));
  await expect(second.result()).resolves.toMatchObject({ eventsApplied: 1, syncs: 1 });
  expect((await second.describe()).runId).not.toBe(firstRunId);
  expect(member(email)).toMatchObject({ merge_fields: { FNAME: 'Second' } });
});

test('a burst about one contact: no event is lost, and the member ends with the newest values', async () => {
  const id = uniqueId();
  const email = `idle-burst.${id}@example.com`;
  stack.sandbox.hubspot.upsertContact(id, { email, firstname: 'v0' });
  const replies = [];
  // Events land before, during and after each run's last task: a completion Temporal refuses because
  // an event arrived meanwhile is made again with that event, never dropped.
  for (let v = 1; v <= 12; v++) {
    stack.sandbox.hubspot.upsertContact(id, { firstname: `v${v}` });
    replies.push(
      stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.propertyChange', objectId: id }]),
    );
  }
  expect((await Promise.all(replies)).map((r) => r.status)).toEqual(Array(12).fill(202));

  // All 12 are in Temporal: the latest run is the last, and it read the contact's newest values.
  await stack.client.workflow.getHandle(workflowIdOf(id)).result();
  expect(member(email)?.merge_fields).toMatchObject({ FNAME: 'v12' });
  // Across the contact's runs, each event was applied exactly once.
  const applied = await eventually(
    async () => {
      let total = 0;
      for await (const run of stack.client.workflow.list({ query: `WorkflowId = '${workflowIdOf(id)}'` })) {
        const result = (await stack.client.workflow
          .getHandle(run.workflowId, run.runId)
          .result()) as ContactSyncResult;
        total += result.eventsApplied;
      }
      // Visibility may not list the newest run yet; a count past 12 would be a double application.
      return total >= 12 ? total : undefined;
    },
    20_000,
    'the runs listed',
  );
  expect(applied).toBe(12);
});

test('a re-run gets every event of the failed run before it acts, though it completes once none is pending', async () => {
  const id = uniqueId();
  const email = `idle-rerun.${id}@example.com`;
  stack.sandbox.hubspot.upsertContact(id, { email, firstname: 'Before' });
  // Mailchimp down: the run retries its upsert on a durable timer, and a second event reaches it meanwhile.
  stack.sandbox.faults.mailchimp!.set({ outage: { seconds: 600, status: 503, retryAfterSeconds: 60 } });
  try {
    await stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.creation', objectId: id }]);
    const failing = stack.client.workflow.getHandle(workflowIdOf(id));
    await stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.propertyChange', objectId: id }]);
    await eventually(
      async () => {
        const { events } = await failing.fetchHistory();
        return events!.filter((e) => e.workflowExecutionSignaledEventAttributes).length === 2 || undefined;
      },
      20_000,
      'both events in the run',
    );
    await failing.terminate('test: an operator stopped it during the outage');
  } finally {
    stack.sandbox.faults.mailchimp!.clear();
  }
  stack.sandbox.hubspot.upsertContact(id, { firstname: 'After' });

  const res = await fetch(`${stack.gatewayUrl}/runs/${encodeURIComponent(workflowIdOf(id))}/rerun`, {
    method: 'POST',
    headers: apiKeyHeader(stack.config),
  });
  expect(res.status).toBe(202);
  expect(await res.json()).toMatchObject({ signalsDelivered: 2, signalsTotal: 2 });
  const rerun = stack.client.workflow.getHandle(workflowIdOf(id));
  await expect(rerun.result()).resolves.toMatchObject({ eventsApplied: 2, syncs: 1 });
  expect(member(email)).toMatchObject({ merge_fields: { FNAME: 'After' } });
});
