/**
 * The sandbox's fault injector over HTTP, as tests and the demo drive it: `/_sandbox/<system>/faults` sets,
 * reads and clears faults in front of a stand-in's real API, with the system's own error shapes and the
 * rate-limit headers real APIs send.
 */
import { loadConfig } from '../config';
import type { FaultInjector } from './faults';
import { startSandbox, Sandbox } from './server';
import { freePort } from '../runtime/devServer';

type FaultState = ReturnType<FaultInjector['state']>;

let sandbox: Sandbox;
const hubspotAuth = { authorization: 'Bearer sandbox-hubspot-token' };
beforeAll(async () => {
  const port = await freePort();
  sandbox = await startSandbox({
    port,
    config: loadConfig({ SWITCHBOARD_SANDBOX: 'true', SANDBOX_PORT: String(port), LOG_LEVEL: 'silent' }),
  });
  sandbox.hubspot.upsertContact('501', { email: 'faults@example.com' });
});
afterEach(async () => {
  for (const system of ['hubspot', 'mailchimp', 'stripe']) await control('DELETE', system);
});
afterAll(() => sandbox.close());

async function control(method: string, system: string, body?: unknown) {
  const res = await fetch(`${sandbox.url}/_sandbox/${system}/faults`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as FaultState };
}

const getContact = () =>
  fetch(`${sandbox.url}/hubspot/crm/v3/objects/contacts/501`, { headers: hubspotAuth });

test('a burst of N errors, then the real API answers again; counters count them', async () => {
  await control('POST', 'hubspot', { errors: { count: 2, status: 502 } });
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await getContact()).status);
  expect(statuses).toEqual([502, 502, 200]);
  const { body } = await control('GET', 'hubspot');
  expect(body.counters).toEqual({ requests: 3, rateLimited: 0, serverErrors: 2, dropped: 0 });
});

test('injected errors take the system’s own error shape', async () => {
  await control('POST', 'hubspot', { errors: { count: 1 } });
  expect(await (await getContact()).json()).toMatchObject({
    status: 'error',
    category: 'INTERNAL_ERROR',
    message: expect.any(String),
  });
  await control('POST', 'stripe', { rateLimited: { count: 1 } });
  const stripe = await fetch(`${sandbox.url}/stripe/v1/customers/cus_x`, {
    headers: { authorization: 'Bearer sk_test_sandbox' },
  });
  expect(stripe.status).toBe(429);
  expect(await stripe.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'rate_limit' } });
});

test('N 429s with Retry-After', async () => {
  await control('POST', 'hubspot', { rateLimited: { count: 1, retryAfterSeconds: 3 } });
  const first = await getContact();
  expect(first.status).toBe(429);
  expect(first.headers.get('retry-after')).toBe('3');
  expect(await first.json()).toMatchObject({ errorType: 'RATE_LIMIT', category: 'RATE_LIMITS' });
  expect((await getContact()).status).toBe(200);
});

test('an outage answers 503 (with Retry-After when asked) until it is over or cleared', async () => {
  await control('POST', 'hubspot', { outage: { seconds: 60, retryAfterSeconds: 5 } });
  const res = await getContact();
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  const { body } = await control('GET', 'hubspot');
  expect(body.outageRemainingMs).toBeGreaterThan(55_000);
  await control('DELETE', 'hubspot');
  expect((await getContact()).status).toBe(200);
});

test('an outage in drop mode cuts the connection', async () => {
  await control('POST', 'hubspot', { outage: { seconds: 60, mode: 'drop' } });
  await expect(getContact()).rejects.toThrow();
  expect((await control('GET', 'hubspot')).body.counters.dropped).toBe(1);
});

test('latency delays every answer', async () => {
  await control('POST', 'hubspot', { latencyMs: 300 });
  const started = Date.now();
  expect((await getContact()).status).toBe(200);
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
});

test('a token-bucket rate limit answers 429 with Retry-After and X-RateLimit-* once the burst is spent', async () => {
  await control('POST', 'hubspot', { rateLimit: { perSecond: 2, burst: 3 } });
  const answers = await Promise.all(Array.from({ length: 5 }, () => getContact()));
  const statuses = answers.map((r) => r.status).sort();
  expect(statuses).toEqual([200, 200, 200, 429, 429]);
  const ok = answers.find((r) => r.status === 200)!;
  expect(ok.headers.get('x-ratelimit-limit')).toBe('3');
  const refused = answers.find((r) => r.status === 429)!;
  expect(refused.headers.get('retry-after')).toBe('1');
  expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
  const reset = Number(refused.headers.get('x-ratelimit-reset'));
  expect(reset * 1000).toBeGreaterThan(Date.now());
  expect(reset * 1000).toBeLessThan(Date.now() + 3000);
  const { body } = await control('GET', 'hubspot');
  expect(body.counters.rateLimited).toBe(2);
  expect(body.rateLimit).toMatchObject({ limit: 3, perSecond: 2 });
});

test('faults apply per system, and bad settings are refused with 400', async () => {
  await control('POST', 'mailchimp', { errors: { count: 5 } });
  expect((await getContact()).status).toBe(200);
  const bad = await control('POST', 'hubspot', { errors: { count: -1 } });
  expect(bad.status).toBe(400);
  expect((await control('POST', 'hubspot', { unknownFault: true })).status).toBe(400);
});

test('the alert receiver takes Slack incoming-webhook posts and lists them', async () => {
  const post = (body: unknown) =>
    fetch(sandbox.alertWebhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const ok = await post({ text: 'run failed' });
  expect(ok.status).toBe(200);
  expect(await ok.text()).toBe('ok');
  expect((await post({ nothing: true })).status).toBe(400);
  const messages = (await (await fetch(`${sandbox.url}/_sandbox/alerts/messages`)).json()) as unknown[];
  expect(messages).toEqual([expect.objectContaining({ text: 'run failed' })]);
});
