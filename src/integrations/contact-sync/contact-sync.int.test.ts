/** Webhook → gateway → real Temporal dev server → worker → sandbox: what the email platform receives. */
import { subscriberHash } from '../../systems/mailchimp/api';
import { recordHistory } from '../../../test/helpers/histories';
import { apiKeyHeader, eventually, uniqueId, useStack } from '../../../test/helpers/stack';

const stack = useStack();

const listId = () => stack.config.contactSync.mailchimpListId;
const member = (email: string) => stack.sandbox.mailchimp.lists.get(listId())?.get(subscriberHash(email));

test('a signed HubSpot contact webhook upserts the mapped member into Mailchimp', async () => {
  const id = uniqueId();
  const email = `ada.${id}@example.com`;
  stack.sandbox.hubspot.upsertContact(id, {
    email: `  ${email.toUpperCase()} `,
    firstname: ' Ada ',
    lastname: 'Lovelace',
    phone: '+44 20 7946 0000',
  });

  const reply = await stack.sandbox.hubspot.sendWebhook([
    { subscriptionType: 'contact.creation', objectId: id },
  ]);

  expect(reply.status).toBe(202);
  expect(reply.body).toMatchObject({
    accepted: true,
    events: [
      {
        status: 'accepted',
        runs: [
          { integration: 'contact-sync', workflowId: `contact-sync/hubspot/contact-${id}`, duplicate: false },
        ],
      },
    ],
  });
  const received = await eventually(() => member(email), 20_000, 'the Mailchimp member');
  expect(received).toMatchObject({
    email_address: email,
    status: 'subscribed',
    merge_fields: { FNAME: 'Ada', LNAME: 'Lovelace', PHONE: '+44 20 7946 0000' },
  });
  // It went through the real API path with basic auth and the subscriber hash.
  const put = stack.sandbox.recorders.mailchimp.requests.find((r) => r.path.endsWith(subscriberHash(email)));
  expect(put).toMatchObject({ method: 'PUT', authorized: true, status: 200 });
  expect(put?.idempotencyKey).toMatch(/^[0-9a-f]{40}$/);
});

test('within the rate limits the read and the upsert are direct calls: nothing waits on a queue', async () => {
  const id = uniqueId();
  const email = `direct.${id}@example.com`;
  stack.sandbox.hubspot.upsertContact(id, { email, firstname: 'Direct' });
  await stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.creation', objectId: id }]);
  const workflowId = `contact-sync/hubspot/contact-${id}`;
  await stack.client.workflow.getHandle(workflowId).result();
  expect(member(email)).toMatchObject({ merge_fields: { FNAME: 'Direct' } });

  const { events } = await stack.client.workflow.getHandle(workflowId).fetchHistory();
  // No activity task: both calls ran as local activities in the workflow task, recorded as markers
  // whose summaries say what each call was.
  expect(events!.filter((e) => e.activityTaskScheduledEventAttributes)).toEqual([]);
  const calls = events!.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity');
  expect(calls).toHaveLength(2);
  const summaries = await Promise.all(
    calls.map(async (e) =>
      stack.client.options.loadedDataConverter.payloadConverter.fromPayload(e.userMetadata!.summary!),
    ),
  );
  expect(summaries).toEqual([
    `Read HubSpot contact ${id} (direct)`,
    expect.stringMatching(new RegExp(`^Upsert contact ${id} into Mailchimp list .* \\(direct\\)$`)),
  ]);
});

test('the same webhook delivered twice gives one run, and the event is applied once', async () => {
  const id = uniqueId();
  const email = `twice.${id}@example.com`;
  stack.sandbox.hubspot.upsertContact(id, { email, firstname: 'Twice' });
  const first = await stack.sandbox.hubspot.sendWebhook([
    { subscriptionType: 'contact.creation', objectId: id },
  ]);
  expect(first.status).toBe(202);
  // A redelivery is the same body (same eventId), signed again.
  const again = await stack.sandbox.hubspot.deliver(
    `${stack.gatewayUrl}/webhooks/hubspot`,
    JSON.stringify(first.sent),
  );
  expect(again.status).toBe(202);

  const workflowId = `contact-sync/hubspot/contact-${id}`;
  const progress = await eventually(
    async () => {
      const p = await stack.client.workflow
        .getHandle(workflowId)
        .query<{ details: { eventsApplied: number; duplicatesIgnored: number } }>('progress');
      return p.details.eventsApplied === 1 && p.details.duplicatesIgnored === 1 ? p : undefined;
    },
    20_000,
    'the duplicate to be ignored',
  );
  expect(progress.details).toMatchObject({ eventsApplied: 1, duplicatesIgnored: 1, syncs: 1 });

  const runs = [];
  for await (const run of stack.client.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
    runs.push(run);
  expect(runs).toHaveLength(1);
  expect(member(email)).toMatchObject({ merge_fields: { FNAME: 'Twice' } });
});

test('GET /runs/:id reports status, integration, progress and the result', async () => {
  const id = uniqueId();
  stack.sandbox.hubspot.upsertContact(id, { email: `runs.${id}@example.com`, firstname: 'Run' });
  await stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.creation', objectId: id }]);
  const workflowId = `contact-sync/hubspot/contact-${id}`;
  // The entity run completes after its idle timeout (3 s in tests); await its result, don't sleep.
  await stack.client.workflow.getHandle(workflowId).result();
  await recordHistory(stack.client, workflowId, 'contact-sync');

  const res = await fetch(`${stack.gatewayUrl}/runs/${encodeURIComponent(workflowId)}`, {
    headers: apiKeyHeader(stack.config),
  });
  expect(res.status).toBe(200);
  const view = (await res.json()) as { progress: { stepsDone: string[] }; closeTime: unknown };
  expect(view).toMatchObject({
    workflowId,
    status: 'completed',
    integration: 'contact-sync',
    source: 'hubspot',
    recordId: id,
    result: { contactId: id, eventsApplied: 1, syncs: 1 },
  });
  expect(view.progress.stepsDone[0]).toMatch(/subscribed/);
  expect(typeof view.closeTime).toBe('string');

  // The unencoded form works too: workflow ids contain slashes.
  const plain = await fetch(`${stack.gatewayUrl}/runs/${workflowId}`, {
    headers: apiKeyHeader(stack.config),
  });
  expect(((await plain.json()) as { workflowId: string }).workflowId).toBe(workflowId);

  const missing = await fetch(`${stack.gatewayUrl}/runs/contact-sync%2Fnope`, {
    headers: apiKeyHeader(stack.config),
  });
  expect(missing.status).toBe(404);
  expect(await missing.json()).toEqual({ error: { code: 'run_not_found', message: expect.any(String) } });
});

test('a contact without a valid email is reported, not retried or sent', async () => {
  const id = uniqueId();
  stack.sandbox.hubspot.upsertContact(id, { email: 'not-an-email', firstname: 'Nobody' });
  await stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.creation', objectId: id }]);
  const result = await stack.client.workflow.getHandle(`contact-sync/hubspot/contact-${id}`).result();
  expect(result.lastOutcome).toMatch(/^skipped: email_address/);
});
