/**
 * What an external API can do to the client beyond an error status, against real local HTTP servers: a
 * body too large (declared, streamed without end, or a small gzip that inflates) is cut off at the
 * system's limit into a non-retryable ResponseTooLargeError; a redirect is never followed, so no
 * credential — header, query, body, OAuth2 client secret or incoming-webhook URL — reaches its target.
 */
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { createAlertActivities } from '../systems/alerts/api';
import { DEFAULT_MAX_RESPONSE_BYTES, HttpClient } from './client';
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../logger';
import { NON_RETRYABLE_ERROR_TYPES } from '../systems/index';
import { configCalling, failureOf, json, LocalApi, startLocalApi } from '../../test/helpers/localApi';

const LIMIT = 4096;
const HUBSPOT_TOKEN = 'pat-na1-99999999-8888-7777-6666-555555555555';
const MANDRILL_KEY = 'md-live-key-0123456789abcdef';
const SHIPBOB_SECRET = 'shipbob-client-secret-0a1b2c3d';
const ALERT_HOOK_PATH = '/services/T0001/B0001/YYYYYYYYYYYYYYYYYYYYYYYY';

let api: LocalApi;
/** Where the redirects point: it must never see a request. */
let elsewhere: LocalApi;
let http: HttpClient;
let config: ReturnType<typeof loadConfig>;
beforeAll(async () => {
  [api, elsewhere] = await Promise.all([startLocalApi(), startLocalApi()]);
  elsewhere.handle((_req, res) => json(res, 200, { id: '7', properties: {} }));
  config = configCalling(api, {
    HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN,
    HUBSPOT_MAX_RESPONSE_BYTES: String(LIMIT),
    MANDRILL_API_KEY: MANDRILL_KEY,
    SHIPBOB_CLIENT_SECRET: SHIPBOB_SECRET,
    ALERT_WEBHOOK_URL: `${api.url}${ALERT_HOOK_PATH}`,
  });
  http = new HttpClient({ systems: config.systems });
});
afterAll(() => Promise.all([api.close(), elsewhere.close()]));

const anything = z.unknown();
const getContact = (client = http) =>
  client.request('hubspot', { method: 'GET', path: '/crm/v3/objects/contacts/7', schema: anything });

describe('response body limit', () => {
  test('the limit is 10 MiB unless a system sets its own (<SYSTEM>_MAX_RESPONSE_BYTES)', () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(10 * 1024 * 1024);
    expect(config.systems.hubspot.maxResponseBytes).toBe(LIMIT);
    expect(config.systems.mailchimp.maxResponseBytes).toBeUndefined();
    const sandbox = { SWITCHBOARD_SANDBOX: 'true' };
    expect(() => loadConfig({ ...sandbox, HUBSPOT_MAX_RESPONSE_BYTES: 'lots' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...sandbox, HUBSPOT_MAX_RESPONSE_BYTES: '0' })).toThrow(
      /HUBSPOT_MAX_RESPONSE_BYTES/,
    );
  });

  test('a 2xx declaring a length over the limit → non-retryable ResponseTooLargeError, not read', async () => {
    api.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(LIMIT * 4) });
      res.end(`"${'x'.repeat(LIMIT * 4 - 2)}"`);
    });
    const failure = await failureOf(getContact());
    expect(failure).toMatchObject({ type: 'ResponseTooLargeError', nonRetryable: true });
    expect(failure.message).toBe(
      `hubspot GET /crm/v3/objects/contacts/7 → 200: response body over the ${LIMIT}-byte limit, cut off unread`,
    );
    expect(failure.details?.[0]).toMatchObject({ status: 200, limitBytes: LIMIT });
    // Also a type the retry policies list, for a failure raised by anything else under that name.
    expect(NON_RETRYABLE_ERROR_TYPES).toContain('ResponseTooLargeError');
  });

  test('an endless streamed 2xx is cut off at the limit and its connection closed', async () => {
    const before = api.abandoned.length;
    api.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }); // chunked: no length declared
      res.write('{"id":"7","junk":"');
      const tick = setInterval(() => {
        if (res.destroyed || res.writableEnded) return clearInterval(tick);
        res.write('x'.repeat(1024));
      }, 1);
      res.on('close', () => clearInterval(tick));
    });
    const failure = await failureOf(getContact());
    expect(failure).toMatchObject({ type: 'ResponseTooLargeError', nonRetryable: true });
    await waitFor(() => api.abandoned.length > before); // the client hung up: no more is downloaded
  });

  test('a small gzip body that inflates past the limit is cut off by its decoded size', async () => {
    const inflated = JSON.stringify({ id: '7', properties: { note: 'x'.repeat(LIMIT * 10) } });
    const zipped = gzipSync(inflated);
    expect(zipped.length).toBeLessThan(LIMIT);
    api.handle((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(zipped.length),
      });
      res.end(zipped);
    });
    const failure = await failureOf(getContact());
    expect(failure).toMatchObject({ type: 'ResponseTooLargeError', nonRetryable: true });
  });

  test('a body exactly at the limit is read whole', async () => {
    const body = JSON.stringify({ id: '7', note: '' });
    const padded = JSON.stringify({ id: '7', note: 'x'.repeat(LIMIT - body.length) });
    expect(Buffer.byteLength(padded)).toBe(LIMIT);
    api.handle((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(padded));
    await expect(getContact()).resolves.toMatchObject({ id: '7' });
  });

  test('an error answer over the limit keeps its classification (a 503 stays retryable)', async () => {
    api.handle((_req, res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end(`<html>${'maintenance '.repeat(LIMIT)}</html>`);
    });
    const failure = await failureOf(getContact());
    expect(failure).toMatchObject({ type: 'ApiUnavailableError', nonRetryable: false });
    expect(failure.message).toContain(`(response body over the ${LIMIT}-byte limit, cut off)`);
    expect(failure.message.length).toBeLessThan(1000);
  });

  test("the client's default applies to systems without their own limit; a system's own wins", async () => {
    const big = JSON.stringify({ id: '7', note: 'x'.repeat(3000) });
    api.handle((_req, res) => json(res, 200, JSON.parse(big)));
    const strictClient = new HttpClient({ systems: config.systems, maxResponseBytes: 1024 });
    const mandrill = (client: HttpClient) =>
      client.request('mandrill', { method: 'POST', path: '/messages/info.json', json: {}, schema: anything });
    expect((await failureOf(mandrill(strictClient))).type).toBe('ResponseTooLargeError');
    await expect(mandrill(http)).resolves.toMatchObject({ id: '7' }); // 10 MiB default
    await expect(getContact(strictClient)).resolves.toMatchObject({ id: '7' }); // hubspot's own 4096
  });
});

describe('redirects are never followed', () => {
  test('a 302 to another origin → non-retryable ApiRequestError naming only that origin; it gets nothing', async () => {
    const target = new URL(`${elsewhere.url}/steal?token=${HUBSPOT_TOKEN}`);
    target.username = 'admin';
    target.password = 'hunter2-password';
    api.handle((_req, res) => void res.writeHead(302, { location: target.href }).end());
    const failure = await failureOf(getContact());
    expect(failure).toMatchObject({ type: 'ApiRequestError', nonRetryable: true });
    expect(failure.message).toBe(
      `hubspot GET /crm/v3/objects/contacts/7 → 302: redirect to ${elsewhere.url} not followed ` +
        '(credentials are never sent to a redirect target); point the base URL at the address the API answers on',
    );
    for (const leak of ['/steal', HUBSPOT_TOKEN, 'admin', 'hunter2-password'])
      expect(JSON.stringify([failure.message, failure.details])).not.toContain(leak);
    expect(elsewhere.requests).toHaveLength(0);
  });

  test('a 307 on a POST whose body carries the API key: the body is not re-sent', async () => {
    const from = api.requests.length;
    api.handle(
      (_req, res) => void res.writeHead(307, { location: `${elsewhere.url}/api/1.0/messages/send` }).end(),
    );
    const failure = await failureOf(
      http.request('mandrill', { method: 'POST', path: '/messages/send.json', json: {}, schema: anything }),
    );
    expect(failure).toMatchObject({ type: 'ApiRequestError', nonRetryable: true });
    expect(failure.message).toContain(`→ 307: redirect to ${elsewhere.url} not followed`);
    expect(JSON.parse(api.requests.at(-1)!.body)).toMatchObject({ key: MANDRILL_KEY }); // sent once, here
    expect(api.requests.length - from).toBe(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  test('a same-origin redirect (relative Location) is not followed either: one request', async () => {
    const from = api.requests.length;
    api.handle((_req, res) => void res.writeHead(301, { location: '/hubspot/crm/v4/contacts/7' }).end());
    const failure = await failureOf(getContact());
    expect(failure.message).toContain(`→ 301: redirect to ${api.url} not followed`);
    expect(api.requests.length - from).toBe(1);
  });

  test('a token endpoint redirect → ConfigError with the origin; the client secret goes nowhere else', async () => {
    api.handle((req, res) => {
      if (req.path === '/oauth/token')
        return void res.writeHead(308, { location: `${elsewhere.url}/oauth/token?moved=1` }).end();
      return json(res, 200, {});
    });
    const failure = await failureOf(
      new HttpClient({ systems: config.systems }).request('shipbob', {
        method: 'GET',
        path: '/1.0/order',
        schema: anything,
      }),
    );
    expect(failure).toMatchObject({ type: 'ConfigError', nonRetryable: true });
    expect(failure.message).toContain(
      `token request failed with 308: redirect to ${elsewhere.url} not followed`,
    );
    expect(failure.message).not.toContain('moved=1');
    expect(elsewhere.requests).toHaveLength(0);
  });

  test('an incoming-webhook (alert) URL that redirects: not followed, named by origin only', async () => {
    api.handle(
      (_req, res) => void res.writeHead(302, { location: `${elsewhere.url}${ALERT_HOOK_PATH}` }).end(),
    );
    const alerts = createAlertActivities({ config, http, logger: createLogger('silent') });
    const failure = await failureOf(
      alerts.raiseRunFailureAlert({
        integration: 'contact-sync',
        workflowId: 'w',
        runId: 'r',
        error: 'boom',
      }),
    );
    expect(failure).toMatchObject({ type: 'ApiRequestError', nonRetryable: true });
    expect(failure.message).toContain(`→ 302: redirect to ${elsewhere.url} not followed`);
    expect(failure.message).not.toContain(ALERT_HOOK_PATH);
    expect(elsewhere.requests).toHaveLength(0);
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
