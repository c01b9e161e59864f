/**
 * Secrets never leave the HTTP layer: not in failure messages (which go into workflow histories, the Web
 * UI and alerts), not in serialized failures, not in log lines — even when an API echoes them back.
 */
import { DefaultFailureConverter, defaultPayloadConverter } from '@temporalio/common';
import { z } from 'zod';
import { createAlertActivities } from '../systems/alerts/api';
import { HttpClient } from './client';
import { redactSecrets } from './redact';
import type { Config } from '../config';
import { capturingLogger } from '../../test/helpers/capturingLogger';
import { configCalling, failureOf, json, LocalApi, startLocalApi } from '../../test/helpers/localApi';

const HUBSPOT_TOKEN = 'pat-na1-11111111-2222-3333-4444-555555555555';
const MAILCHIMP_KEY = '0123456789abcdef0123456789abcdef-us21';
const SHIPBOB_SECRET = 'shipbob-client-secret-9f8e7d6c';
const ZENDESK_TOKEN = 'zendesk-api-token-a1b2c3d4e5';
const ALERT_HOOK_PATH = '/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX';

const SECRETS = [
  HUBSPOT_TOKEN,
  MAILCHIMP_KEY,
  Buffer.from(`switchboard:${MAILCHIMP_KEY}`).toString('base64'),
  SHIPBOB_SECRET,
  ZENDESK_TOKEN,
  ALERT_HOOK_PATH,
];

let api: LocalApi;
let config: Config;
let http: HttpClient;
beforeAll(async () => {
  api = await startLocalApi();
  config = configCalling(api, {
    HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN,
    MAILCHIMP_API_KEY: MAILCHIMP_KEY,
    SHIPBOB_CLIENT_SECRET: SHIPBOB_SECRET,
    ZENDESK_API_TOKEN: ZENDESK_TOKEN,
    ALERT_WEBHOOK_URL: `${api.url}${ALERT_HOOK_PATH}`,
  });
  http = new HttpClient({ systems: config.systems });
});
afterAll(() => api.close());

/** Fails if any secret (or an OAuth token seen on the wire) occurs in the text. */
function expectNoSecret(text: string, extra: string[] = []) {
  for (const secret of [...SECRETS, ...extra]) expect(text).not.toContain(secret);
}

/** The failure as the worker sends it to the server (and the history stores it), payloads decoded. */
function serialized(err: Error): string {
  const failure = new DefaultFailureConverter().errorToFailure(err, defaultPayloadConverter);
  return JSON.stringify(failure, (_k, v: unknown) =>
    v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v,
  );
}

const anything = z.unknown();

test.each([
  [
    'a bearer token echoed in a 401',
    'hubspot' as const,
    () => ({
      status: 401,
      body: { status: 'error', message: `The access token ${HUBSPOT_TOKEN} is invalid` },
    }),
  ],
  [
    'an API key and its Basic encoding echoed in a 400',
    'mailchimp' as const,
    () => ({
      status: 400,
      body: {
        title: 'Invalid Resource',
        detail: `key ${MAILCHIMP_KEY} / header Basic ${Buffer.from(`switchboard:${MAILCHIMP_KEY}`).toString('base64')}`,
      },
    }),
  ],
  [
    'a password echoed in a 5xx',
    'zendesk' as const,
    () => ({ status: 500, body: { error: 'InternalError', description: `auth ${ZENDESK_TOKEN} failed` } }),
  ],
  [
    'a URL-encoded key echoed in a 429',
    'mailchimp' as const,
    () => ({ status: 429, body: { detail: `apikey=${encodeURIComponent(MAILCHIMP_KEY)}` } }),
  ],
])(
  '%s is redacted from the failure message, details and serialized failure',
  async (_name, system, answer) => {
    api.handle((_req, res) => {
      const { status, body } = answer();
      json(res, status, body);
    });
    const failure = await failureOf(
      http.request(system, { method: 'POST', path: '/things', json: {}, schema: anything }),
    );
    expect(failure.message).toContain('[redacted]');
    expectNoSecret(failure.message);
    expectNoSecret(JSON.stringify(failure.details));
    expectNoSecret(serialized(failure));
  },
);

test('an OAuth2 access token the API echoes is redacted too', async () => {
  const seen: string[] = [];
  api.handle((req, res) => {
    if (req.path === '/oauth/token')
      return json(res, 200, { access_token: 'eyJhbGciOi.live-access-token.sig', expires_in: 3600 });
    const token = (req.headers.authorization ?? '').slice(7);
    seen.push(token);
    return json(res, 403, { message: `token ${token} lacks the orders_write scope` });
  });
  const failure = await failureOf(
    http.request('shipbob', { method: 'POST', path: '/1.0/order', json: {}, schema: anything }),
  );
  expect(seen).toEqual(['eyJhbGciOi.live-access-token.sig']);
  expect(failure.message).toContain('lacks the orders_write scope');
  expectNoSecret(serialized(failure), seen);
});

test('a token endpoint echoing the client secret → ConfigError without it', async () => {
  api.handle((req, res) =>
    json(res, 401, {
      error: 'invalid_client',
      error_description: `bad client auth ${req.headers.authorization}`,
    }),
  );
  const fresh = new HttpClient({ systems: config.systems });
  const failure = await failureOf(
    fresh.request('shipbob', { method: 'GET', path: '/1.0/order', schema: anything }),
  );
  expect(failure.type).toBe('ConfigError');
  expectNoSecret(serialized(failure), [
    Buffer.from(`sandbox-shipbob-client:${SHIPBOB_SECRET}`).toString('base64'),
  ]);
});

test('query strings (where API keys may travel) never enter a failure', async () => {
  const systems = structuredClone(config.systems);
  systems.zendesk.auth = { type: 'apiKey', in: 'query', name: 'api_key', value: ZENDESK_TOKEN };
  const queryAuth = new HttpClient({ systems });
  api.handle((req, res) => json(res, 404, { error: 'RecordNotFound', description: `no ${req.path}` }));
  const failure = await failureOf(
    queryAuth.request('zendesk', { method: 'GET', path: '/api/v2/tickets/1.json', schema: anything }),
  );
  expect(api.requests.at(-1)!.path).toContain(`api_key=${ZENDESK_TOKEN}`); // it was sent…
  expectNoSecret(serialized(failure)); // …and is nowhere in the failure
});

test('alerts: a failing incoming-webhook URL is named by host only, and the log line carries no secret', async () => {
  const { logger, text } = capturingLogger();
  const alerts = createAlertActivities({ config, http, logger });
  api.handle((_req, res) => json(res, 500, { message: `no such hook ${ALERT_HOOK_PATH}` }));
  const failure = await failureOf(
    alerts.raiseRunFailureAlert({
      integration: 'contact-sync',
      workflowId: 'contact-sync/hubspot/contact-1',
      runId: 'r1',
      recordId: '1',
      error: 'mailchimp PUT /3.0/lists/l/members/h → 503: down',
    }),
  );
  expect(failure.type).toBe('ApiUnavailableError');
  expectNoSecret(serialized(failure));
  expect(text()).toContain('integration run failed');
  expectNoSecret(text());
});

test('the logger redacts credentials that slip into a log object', () => {
  const { logger, text } = capturingLogger();
  logger.info(
    {
      auth: config.systems.hubspot.auth,
      mailchimp: config.systems.mailchimp.auth,
      headers: { authorization: `Bearer ${HUBSPOT_TOKEN}` },
      shipbob: { clientSecret: SHIPBOB_SECRET },
    },
    'calling',
  );
  expect(text()).toContain('[redacted]');
  expectNoSecret(text());
});

test('redactSecrets replaces longer secrets first and ignores very short ones', () => {
  expect(redactSecrets('a abc123456 abc123 b', ['abc123', 'abc123456'])).toBe('a [redacted] [redacted] b');
  expect(redactSecrets('id 42 is fine', ['42'])).toBe('id 42 is fine');
});
