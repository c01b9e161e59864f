/** Contract: the Mandrill (Mailchimp Transactional) connector against its stand-in (key in the body). */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createMandrillActivities, SEND_KEY_FIELD } from './api';
import { expectRefusal, useConnectorSandbox } from '../../../test/helpers/connectorSandbox';

const env = useConnectorSandbox();
const mandrill = env.activities(createMandrillActivities);

test('sends a stored template with merge vars; the key travels in the body', async () => {
  const result = await mandrill.sendMandrillTemplate('satisfaction-survey', {
    from_email: 'support@example.com',
    to: [{ email: 'grace@example.com', name: 'Grace' }],
    global_merge_vars: [
      { name: 'NAME', content: 'Grace' },
      { name: 'TICKET_ID', content: '5001' },
      { name: 'TICKET_SUBJECT', content: 'Parcel' },
    ],
    tags: ['csat'],
  });
  expect(result).toEqual([
    { email: 'grace@example.com', status: 'sent', reject_reason: null, _id: expect.any(String) },
  ]);
  const [sent] = env.sandbox.mandrill.sentTo('grace@example.com');
  expect(sent).toMatchObject({
    template: 'satisfaction-survey',
    subject: 'How did we do on "Parcel"?',
    tags: ['csat'],
  });
  expect(sent.html).toContain('Hi Grace');
  const post = env.sandbox.recorders.mandrill.requests.find(
    (r) => r.path === '/api/1.0/messages/send-template',
  );
  expect(post).toMatchObject({ method: 'POST', status: 200 });
  expect((post?.body as { key?: string }).key).toBe('md-sandbox-key');
});

test('sends a plain message; a bouncing address comes back rejected, not thrown', async () => {
  const result = await mandrill.sendMandrillMessage({
    subject: 'Hello',
    from_email: 'support@example.com',
    text: 'Hi',
    to: [{ email: 'ok@example.com' }, { email: 'gone@bounce.example.com' }],
  });
  expect(result.map((r) => [r.email, r.status])).toEqual([
    ['ok@example.com', 'sent'],
    ['gone@bounce.example.com', 'rejected'],
  ]);
});

test("Mandrill's permanent errors (HTTP 500 + error struct) fail fast, not after retries", async () => {
  const unknown = await mandrill
    .sendMandrillTemplate('no-such-template', { to: [{ email: 'a@example.com' }] })
    .catch((e: unknown) => e);
  expect(unknown).toMatchObject({ type: 'ApiRequestError', nonRetryable: true });
  expect((unknown as Error).message).toContain('No such template "no-such-template"');

  const bad = createMandrillActivities(env.badHttp);
  const send = bad.sendMandrillMessage({ to: [{ email: 'a@example.com' }], text: 'x' });
  await expectRefusal(send, 'ApiRequestError', 'Invalid API key');
});

test('an invalid message is refused before any request', async () => {
  const before = env.sandbox.recorders.mandrill.requests.length;
  const err = await mandrill.sendMandrillMessage({ to: [] }).catch((e: unknown) => e);
  expect(err).toMatchObject({ type: 'InvalidInputError', nonRetryable: true });
  expect(env.sandbox.recorders.mandrill.requests.length).toBe(before);
});

test('a retried send (same activity, same key) does not email twice: the first send is found and returned', async () => {
  const activity = new MockActivityEnvironment(); // one activity of one run: its retries share the key
  const message = {
    from_email: 'support@example.com',
    to: [{ email: 'retry.once@example.com', name: 'Once' }],
    global_merge_vars: [{ name: 'NAME', content: 'Once' }],
  };
  const first = (await activity.run(() => mandrill.sendMandrillTemplate('satisfaction-survey', message))) as {
    _id: string;
  }[];
  const retried = await activity.run(() => mandrill.sendMandrillTemplate('satisfaction-survey', message));
  expect(retried).toEqual([
    { email: 'retry.once@example.com', status: 'sent', reject_reason: null, _id: first[0]._id },
  ]);
  expect(env.sandbox.mandrill.sentTo('retry.once@example.com')).toHaveLength(1);
  expect(env.sandbox.mandrill.sentTo('retry.once@example.com')[0].metadata[SEND_KEY_FIELD]).toMatch(
    /^[0-9a-f]{40}$/,
  );
});
