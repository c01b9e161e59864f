/** Contract: the Mandrill (Mailchimp Transactional) connector against its stand-in (key in the body). */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createMandrillActivities, SEND_KEY_FIELD } from './api';
import { HttpClient } from '../../http/client';
import { Config, loadConfig } from '../../config';
import { startSandbox, Sandbox } from '../../sandbox/server';
import { freePort } from '../../runtime/devServer';

let sandbox: Sandbox;
let config: Config;
let mandrill: ReturnType<typeof createMandrillActivities>;

beforeAll(async () => {
  const port = await freePort();
  config = loadConfig({ SWITCHBOARD_SANDBOX: 'true', SANDBOX_PORT: String(port), LOG_LEVEL: 'silent' });
  sandbox = await startSandbox({ port, config });
  mandrill = createMandrillActivities(new HttpClient({ systems: config.systems }));
});
afterAll(() => sandbox?.close());

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
  const [sent] = sandbox.mandrill.sentTo('grace@example.com');
  expect(sent).toMatchObject({
    template: 'satisfaction-survey',
    subject: 'How did we do on "Parcel"?',
    tags: ['csat'],
  });
  expect(sent.html).toContain('Hi Grace');
  const post = sandbox.recorders.mandrill.requests.find((r) => r.path === '/api/1.0/messages/send-template');
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

  const wrong = loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    SANDBOX_PORT: String(sandbox.port),
    MANDRILL_API_KEY: 'md-wrong-key',
  });
  const bad = createMandrillActivities(new HttpClient({ systems: wrong.systems }));
  const err = await bad
    .sendMandrillMessage({ to: [{ email: 'a@example.com' }], text: 'x' })
    .catch((e: unknown) => e);
  expect(err).toMatchObject({ type: 'ApiRequestError', nonRetryable: true });
  expect((err as Error).message).toContain('Invalid API key');
  expect((err as Error).message).not.toContain('md-wrong-key');
});

test('an invalid message is refused before any request', async () => {
  const before = sandbox.recorders.mandrill.requests.length;
  const err = await mandrill.sendMandrillMessage({ to: [] }).catch((e: unknown) => e);
  expect(err).toMatchObject({ type: 'InvalidInputError', nonRetryable: true });
  expect(sandbox.recorders.mandrill.requests.length).toBe(before);
});

test('a retried send (same activity, same key) does not email twice: the first send is found and returned', async () => {
  const env = new MockActivityEnvironment(); // one activity of one run: its retries share the key
  const message = {
    from_email: 'support@example.com',
    to: [{ email: 'retry.once@example.com', name: 'Once' }],
    global_merge_vars: [{ name: 'NAME', content: 'Once' }],
  };
  const first = (await env.run(() => mandrill.sendMandrillTemplate('satisfaction-survey', message))) as {
    _id: string;
  }[];
  const retried = await env.run(() => mandrill.sendMandrillTemplate('satisfaction-survey', message));
  expect(retried).toEqual([
    { email: 'retry.once@example.com', status: 'sent', reject_reason: null, _id: first[0]._id },
  ]);
  expect(sandbox.mandrill.sentTo('retry.once@example.com')).toHaveLength(1);
  expect(sandbox.mandrill.sentTo('retry.once@example.com')[0].metadata[SEND_KEY_FIELD]).toMatch(
    /^[0-9a-f]{40}$/,
  );
});
