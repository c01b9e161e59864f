/**
 * How contact-sync runs ride out a misbehaving target, end to end (signed HubSpot webhook → gateway →
 * real Temporal dev server → worker → Mailchimp stand-in with injected faults): a 5xx burst is retried to
 * success, a 400 fails at once with Mailchimp's own message, a 429 waits exactly as long as Retry-After.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { createMailchimpActivities, subscriberHash } from '../systems/mailchimp/api';
import { HttpClient } from './client';
import type { RecordedRequest } from '../sandbox/recorder';
import { sandboxControl, startStack, TestStack, uniqueId } from '../../test/helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterEach(async () => {
  await sandboxControl(stack, 'DELETE', 'mailchimp/faults');
});
afterAll(async () => {
  await stack?.stop();
});

/** Changes a HubSpot contact through the sandbox, which sends HubSpot's signed webhook for it. */
async function changeContact(id: string, properties: Record<string, string>) {
  const reply = (await sandboxControl(stack, 'POST', `hubspot/contacts/${id}`, { properties })) as {
    webhook: { status: number };
  };
  expect(reply.webhook.status).toBe(202);
  return stack.client.workflow.getHandle(`contact-sync/hubspot/contact-${id}`);
}

const listId = () => stack.config.contactSync.mailchimpListId;
const memberPuts = (email: string): RecordedRequest[] =>
  stack.sandbox.recorders.mailchimp.requests.filter(
    (r) => r.method === 'PUT' && r.path === `/3.0/lists/${listId()}/members/${subscriberHash(email)}`,
  );

test('a burst of 5xx from Mailchimp is retried (same Idempotency-Key) until the member is written', async () => {
  await sandboxControl(stack, 'POST', 'mailchimp/faults', { errors: { count: 3, status: 500 } });
  const id = uniqueId();
  const email = `burst.${id}@example.com`;
  const handle = await changeContact(id, { email, firstname: 'Burst' });

  await expect(handle.result()).resolves.toMatchObject({ syncs: 1 });
  const puts = memberPuts(email);
  expect(puts.map((r) => r.status)).toEqual([500, 500, 500, 200]);
  expect(new Set(puts.map((r) => r.idempotencyKey)).size).toBe(1);
  expect(stack.sandbox.mailchimp.members(listId()).find((m) => m.email_address === email)).toMatchObject({
    status: 'subscribed',
    merge_fields: { FNAME: 'Burst' },
  });
  const faults = (await sandboxControl(stack, 'GET', 'mailchimp/faults')) as {
    counters: { serverErrors: number };
  };
  expect(faults.counters.serverErrors).toBe(3);
});

test('a 400 fails the run at once (one attempt) with Mailchimp’s own message in the failure', async () => {
  const id = uniqueId();
  const email = `forgotten.${id}@example.com`;
  // The address was erased for good (GDPR) earlier: Mailchimp refuses to re-add it by API, always.
  const mailchimp = createMailchimpActivities(new HttpClient({ systems: stack.config.systems }));
  await mailchimp.upsertMailchimpMember(listId(), {
    email_address: email,
    status_if_new: 'subscribed',
    merge_fields: {},
  });
  await mailchimp.deleteMailchimpMemberPermanently(listId(), email);
  const before = memberPuts(email).length;

  const handle = await changeContact(id, { email, firstname: 'Forgotten' });
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );

  expect(err).toBeInstanceOf(WorkflowFailedError);
  const activityFailure = (err as WorkflowFailedError).cause;
  expect(activityFailure).toBeInstanceOf(ActivityFailure);
  const failure = (activityFailure as ActivityFailure).cause as ApplicationFailure;
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect(failure).toMatchObject({ type: 'ApiRequestError', nonRetryable: true });
  expect(failure.message).toMatch(
    /^mailchimp PUT \/3\.0\/lists\/[^/]+\/members\/[0-9a-f]{32} → 400: Forgotten Email Not Subscribed: .*was permanently deleted and cannot be re-imported/,
  );
  const puts = memberPuts(email).slice(before);
  expect(puts.map((r) => r.status)).toEqual([400]);
});

test('a 429 with Retry-After: 2 is retried after about 2 s — the API’s delay, not the backoff', async () => {
  await sandboxControl(stack, 'POST', 'mailchimp/faults', {
    rateLimited: { count: 1, retryAfterSeconds: 2 },
  });
  const id = uniqueId();
  const email = `throttled.${id}@example.com`;
  const handle = await changeContact(id, { email, firstname: 'Throttled' });

  await expect(handle.result()).resolves.toMatchObject({ syncs: 1 });
  const puts = memberPuts(email);
  expect(puts.map((r) => r.status)).toEqual([429, 200]);
  const waitedMs = puts[1]!.at - puts[0]!.at;
  // The first backoff interval is 500 ms: ≥ 1.8 s can only come from Retry-After; the cap is 30 s.
  expect(waitedMs).toBeGreaterThanOrEqual(1800);
  expect(waitedMs).toBeLessThan(4000);
});
