/**
 * Every way an external call can end, classified into the Temporal failure the retry policy acts on:
 * against a real local HTTP server (status codes, headers, dropped connections, slow answers).
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { z } from 'zod';
import { apiErrorMessage, HttpClient } from './client';
import { retryAfterMs } from './errors';
import { loadConfig } from '../config';
import { freePort } from '../runtime/devServer';
import { failureOf, json, LocalApi, startLocalApi } from '../../test/helpers/localApi';

let api: LocalApi;
let http: HttpClient;
/** A client with a 300 ms timeout, for the timeout case only: the others must not time out on a busy machine. */
let impatient: HttpClient;
const clientWith = (timeoutMs: number) =>
  new HttpClient({
    systems: loadConfig({
      SWITCHBOARD_SANDBOX: 'true',
      LOG_LEVEL: 'silent',
      HUBSPOT_BASE_URL: `${api.url}/hubspot`,
      HUBSPOT_TIMEOUT_MS: String(timeoutMs),
    }).systems,
  });
beforeAll(async () => {
  api = await startLocalApi();
  http = clientWith(10_000);
  impatient = clientWith(300);
});
afterAll(() => api.close());

const contact = z.object({ id: z.string(), properties: z.record(z.string(), z.string()) });
const getContact = () =>
  http.request('hubspot', { method: 'GET', path: '/crm/v3/objects/contacts/7', schema: contact });
const updateContact = () =>
  http.request('hubspot', {
    method: 'PATCH',
    path: '/crm/v3/objects/contacts/7',
    json: { properties: { email: 'not-an-email' } },
    schema: contact,
  });

describe('answers', () => {
  test('2xx matching the schema → the parsed body', async () => {
    api.handle((_req, res) => json(res, 200, { id: '7', properties: { email: 'a@example.com' } }));
    await expect(getContact()).resolves.toEqual({ id: '7', properties: { email: 'a@example.com' } });
  });

  test('2xx breaking the schema → non-retryable ContractError naming the field', async () => {
    api.handle((_req, res) => json(res, 200, { id: 7, properties: {} }));
    const failure = await failureOf(getContact());
    expect(failure).toMatchObject({ type: 'ContractError', nonRetryable: true });
    expect(failure.message).toContain('hubspot GET /crm/v3/objects/contacts/7');
    expect(failure.message).toContain('id:');
  });

  test('a status listed in nullOn is an answer (null), not an error', async () => {
    api.handle((_req, res) => json(res, 404, { status: 'error', message: 'resource not found' }));
    await expect(
      http.request('hubspot', { method: 'GET', path: '/x', schema: contact, nullOn: [404] }),
    ).resolves.toBeNull();
  });
});

describe('client errors (4xx) fail fast, with the API message and the request', () => {
  test('400 → non-retryable ApiRequestError carrying status, the API message, method and path', async () => {
    api.handle((_req, res) =>
      json(res, 400, {
        status: 'error',
        message: 'Property values were not valid: email',
        correlationId: 'c-1',
        category: 'VALIDATION_ERROR',
      }),
    );
    const failure = await failureOf(updateContact());
    expect(failure).toMatchObject({ type: 'ApiRequestError', nonRetryable: true });
    expect(failure.message).toBe(
      'hubspot PATCH /crm/v3/objects/contacts/7 → 400: Property values were not valid: email',
    );
    expect(failure.details?.[0]).toEqual({
      system: 'hubspot',
      method: 'PATCH',
      path: '/crm/v3/objects/contacts/7',
      status: 400,
      apiMessage: 'Property values were not valid: email',
    });
  });

  test.each([401, 403, 404, 409, 422])('%i → non-retryable ApiRequestError', async (status) => {
    api.handle((_req, res) => json(res, status, { message: `nope ${status}` }));
    const failure = await failureOf(updateContact());
    expect(failure).toMatchObject({ type: 'ApiRequestError', nonRetryable: true });
    expect(failure.message).toContain(`→ ${status}: nope ${status}`);
  });

  test.each([
    [
      'Stripe',
      { error: { type: 'invalid_request_error', message: 'No such customer: cus_1' } },
      'No such customer: cus_1',
    ],
    [
      'Mailchimp (RFC 7807)',
      { title: 'Invalid Resource', status: 400, detail: 'Please provide a valid email address.' },
      'Invalid Resource: Please provide a valid email address.',
    ],
    ['HubSpot / ShipBob', { status: 'error', message: 'Contact already exists' }, 'Contact already exists'],
    ['Slack', { ok: false, error: 'channel_not_found' }, 'channel_not_found'],
    [
      'Zendesk',
      { error: 'RecordInvalid', description: 'Record validation errors' },
      'RecordInvalid: Record validation errors',
    ],
    ['Shopify', { errors: { email: ['is invalid'] } }, '{"email":["is invalid"]}'],
  ])('the API message is read from the %s error shape', (_name, body, message) => {
    expect(apiErrorMessage(body)).toBe(message);
  });

  test('a body that is not JSON is quoted (shortened), an empty one says so', () => {
    expect(apiErrorMessage(undefined, '<html>Bad Request</html>')).toBe('<html>Bad Request</html>');
    expect(apiErrorMessage(undefined, 'x'.repeat(2000))).toHaveLength(500);
    expect(apiErrorMessage(undefined, '')).toBe('no error message');
  });
});

describe('transient errors are retried with the backoff', () => {
  test.each([408, 500, 502, 503, 504])(
    '%i → retryable ApiUnavailableError, no fixed delay',
    async (status) => {
      api.handle((_req, res) => json(res, status, { message: 'upstream trouble' }));
      const failure = await failureOf(updateContact());
      expect(failure).toMatchObject({ type: 'ApiUnavailableError', nonRetryable: false });
      expect(failure.nextRetryDelay).toBeUndefined();
      expect(failure.message).toContain(`→ ${status}: upstream trouble`);
    },
  );

  test("Stripe's 409 (another request with this idempotency key in progress) → retryable", async () => {
    api.handle((_req, res) =>
      json(res, 409, { error: { type: 'idempotency_error', message: 'another request in progress' } }),
    );
    const stripe = new HttpClient({
      systems: loadConfig({ SWITCHBOARD_SANDBOX: 'true', LOG_LEVEL: 'silent', STRIPE_BASE_URL: api.url })
        .systems,
    });
    const createCustomer = stripe.request('stripe', {
      method: 'POST',
      path: '/v1/customers',
      form: { email: 'ada@example.com' },
      schema: z.object({ id: z.string() }),
      idempotencyKey: 'k1',
    });
    expect(await failureOf(createCustomer)).toMatchObject({
      type: 'ApiUnavailableError',
      nonRetryable: false,
    });
    // Elsewhere a 409 is an answer: the same request again gets the same conflict.
    expect(await failureOf(updateContact())).toMatchObject({ type: 'ApiRequestError', nonRetryable: true });
  });

  test('connection refused → retryable ApiUnavailableError without a status', async () => {
    const closedPort = await freePort();
    const config = loadConfig({
      SWITCHBOARD_SANDBOX: 'true',
      LOG_LEVEL: 'silent',
      HUBSPOT_BASE_URL: `http://127.0.0.1:${closedPort}`,
    });
    const offline = new HttpClient({ systems: config.systems });
    const failure = await failureOf(
      offline.request('hubspot', { method: 'GET', path: '/crm/v3/objects/contacts/7', schema: contact }),
    );
    expect(failure).toMatchObject({ type: 'ApiUnavailableError', nonRetryable: false });
    expect(failure.message).toBe('hubspot GET /crm/v3/objects/contacts/7 → no response: ECONNREFUSED');
  });

  test('a connection dropped mid-request → retryable ApiUnavailableError', async () => {
    api.handle((_req, res) => void res.socket?.destroy());
    const failure = await failureOf(getContact());
    expect(failure).toMatchObject({ type: 'ApiUnavailableError', nonRetryable: false });
    expect(failure.message).toContain('→ no response');
  });

  test('headers then a dropped body → retryable ApiUnavailableError, not a contract error', async () => {
    api.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
      res.write('{"id":"7","prop');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const failure = await failureOf(getContact());
    expect(failure).toMatchObject({ type: 'ApiUnavailableError', nonRetryable: false });
    expect(failure.message).toContain('body read failed');
  });

  test('no answer within the system timeout → retryable ApiUnavailableError, request aborted', async () => {
    api.handle(() => undefined); // never answers
    const before = api.abandoned.length;
    const failure = await failureOf(
      impatient.request('hubspot', { method: 'GET', path: '/crm/v3/objects/contacts/7', schema: contact }),
    );
    expect(failure).toMatchObject({ type: 'ApiUnavailableError', nonRetryable: false });
    expect(failure.message).toContain('timed out after 300 ms');
    await waitFor(() => api.abandoned.length > before);
  });
});

describe('rate limits are retried after the delay the API asked for', () => {
  test('429 with Retry-After in seconds → nextRetryDelay of that many seconds', async () => {
    api.handle((_req, res) =>
      json(res, 429, { message: 'You have reached your secondly limit.' }, { 'Retry-After': '2' }),
    );
    const failure = await failureOf(updateContact());
    expect(failure).toMatchObject({ type: 'ApiRateLimitedError', nonRetryable: false, nextRetryDelay: 2000 });
    expect(failure.message).toContain('You have reached your secondly limit.');
  });

  test('429 with Retry-After as an HTTP date → the time until that date', async () => {
    const at = new Date(Date.now() + 5000).toUTCString();
    api.handle((_req, res) => json(res, 429, {}, { 'Retry-After': at }));
    const failure = await failureOf(updateContact());
    expect(failure.type).toBe('ApiRateLimitedError');
    // HTTP dates have whole-second resolution.
    expect(failure.nextRetryDelay).toBeGreaterThan(3500);
    expect(failure.nextRetryDelay).toBeLessThanOrEqual(5000);
  });

  test('429 with only X-RateLimit-Reset (epoch seconds) → the time until the reset', async () => {
    const reset = Math.floor(Date.now() / 1000) + 3;
    api.handle((_req, res) =>
      json(
        res,
        429,
        {},
        { 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) },
      ),
    );
    const failure = await failureOf(updateContact());
    expect(failure.type).toBe('ApiRateLimitedError');
    expect(failure.nextRetryDelay).toBeGreaterThan(1500);
    expect(failure.nextRetryDelay).toBeLessThanOrEqual(3000);
  });

  test('429 without any hint → retryable with the backoff (no fixed delay)', async () => {
    api.handle((_req, res) => json(res, 429, { message: 'slow down' }));
    const failure = await failureOf(updateContact());
    expect(failure).toMatchObject({ type: 'ApiRateLimitedError', nonRetryable: false });
    expect(failure.nextRetryDelay).toBeUndefined();
  });

  test('503 with Retry-After → retryable ApiUnavailableError after that delay', async () => {
    api.handle((_req, res) => json(res, 503, { message: 'maintenance' }, { 'Retry-After': '7' }));
    const failure = await failureOf(updateContact());
    expect(failure).toMatchObject({ type: 'ApiUnavailableError', nonRetryable: false, nextRetryDelay: 7000 });
    expect(failure.message).toContain('503: maintenance, retry in 7000 ms');
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  const h = (init: Record<string, string>) => new Headers(init);
  test.each<[Record<string, string>, number | undefined]>([
    [{ 'retry-after': '2' }, 2000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after': '0' }, 0],
    [{ 'retry-after': 'Tue, 01 Jan 2030 00:00:09 GMT' }, 9000],
    [{ 'retry-after': 'Mon, 31 Dec 2029 23:59:00 GMT' }, 0], // a date in the past: retry now
    [{ 'x-ratelimit-reset': String(now / 1000 + 4) }, 4000], // epoch seconds
    [{ 'x-ratelimit-reset': '3' }, 3000], // seconds from now
    [{ 'ratelimit-reset': '6' }, 6000], // IETF draft header
    [{ 'retry-after': '2', 'x-ratelimit-reset': '30' }, 2000], // Retry-After wins
    [{ 'x-ratelimit-reset': String(now + 7000) }, 7000], // epoch milliseconds
    [{ 'retry-after': '86400' }, 15 * 60 * 1000], // capped: the backoff takes over after 15 min
    [{ 'retry-after': 'soon' }, undefined],
    [{}, undefined],
  ])('%j → %s ms', (headers, expected) => {
    expect(retryAfterMs(h(headers), now)).toBe(expected);
  });
});

describe('activity context', () => {
  test('cancelling the activity aborts the request at once', async () => {
    api.handle(() => undefined); // never answers
    const before = api.abandoned.length;
    const env = new MockActivityEnvironment();
    const started = Date.now();
    const call = env.run(() => getContact());
    await waitFor(() => api.requests.length > 0 && api.abandoned.length === before);
    env.cancel();
    await expect(call).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000); // well before the 10 s timeout would fire
    await waitFor(() => api.abandoned.length > before);
  });

  test('every non-GET call carries an Idempotency-Key from workflow, run and activity id, stable across retries', async () => {
    api.handle((_req, res) => json(res, 200, { id: '7', properties: {} }));
    const info = {
      workflowExecution: { workflowId: 'contact-sync/hubspot/contact-7', runId: 'run-1' },
      activityId: '3',
    };
    const from = api.requests.length;
    await new MockActivityEnvironment({ ...info, attempt: 1 }).run(() => updateContact());
    await new MockActivityEnvironment({ ...info, attempt: 2 }).run(() => updateContact());
    await new MockActivityEnvironment({ ...info, activityId: '4' }).run(() => updateContact());
    await new MockActivityEnvironment(info).run(() => getContact());
    const keys = api.requests.slice(from).map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f]{40}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(keys[3]).toBeUndefined();
  });
});

/** Polls a condition with a deadline (no fixed sleeps). */
async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
