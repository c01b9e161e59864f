/**
 * OAuth2 in the HTTP layer, against a real local token endpoint and API: one token for many concurrent
 * calls, one refresh for many 401s, refresh shortly before expiry, and a rotated refresh token kept.
 */
import type { ServerResponse } from 'node:http';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { TokenProvider } from './auth';
import { HttpClient } from './client';
import { AuthConfig, Config, loadConfig } from '../config';
import { json, LocalApi, ReceivedRequest, startLocalApi } from '../../test/helpers/localApi';

const CLIENT_ID = 'client-abc';
const CLIENT_SECRET = 'client-secret-xyz-123';

/** A token server + API: issues numbered tokens, accepts only the ones it has not revoked. */
class FakeOAuthApi {
  issued = 0;
  valid = new Set<string>();
  expiresIn = 3600;
  /** Refresh tokens still usable: rotation makes each one single-use. */
  refreshTokens = new Set<string>(['refresh-0']);
  tokenRequests: URLSearchParams[] = [];
  /** Token requests answer after this many ms, so concurrent callers overlap. */
  tokenDelayMs = 50;

  constructor(readonly api: LocalApi) {
    api.handle((req, res) => this.handle(req, res));
  }

  private async handle(req: ReceivedRequest, res: ServerResponse) {
    if (req.path === '/oauth/token') {
      const form = new URLSearchParams(req.body);
      this.tokenRequests.push(form);
      await new Promise((r) => setTimeout(r, this.tokenDelayMs));
      const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
      if (req.headers.authorization !== `Basic ${basic}`) return json(res, 401, { error: 'invalid_client' });
      let refresh: string | undefined;
      if (form.get('grant_type') === 'refresh_token') {
        const presented = form.get('refresh_token') ?? '';
        if (!this.refreshTokens.delete(presented)) return json(res, 400, { error: 'invalid_grant' });
        refresh = `refresh-${this.issued + 1}`;
        this.refreshTokens.add(refresh);
      } else if (form.get('grant_type') !== 'client_credentials') {
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      const token = `access-token-${++this.issued}`;
      this.valid.add(token);
      return json(res, 200, {
        access_token: token,
        token_type: 'Bearer',
        expires_in: this.expiresIn,
        ...(refresh ? { refresh_token: refresh } : {}),
      });
    }
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (!this.valid.has(token))
      return json(res, 401, { message: 'Authorization has been denied for this request.' });
    return json(res, 200, { id: 1, token });
  }

  revokeAll() {
    this.valid.clear();
  }
}

let api: LocalApi;
let fake: FakeOAuthApi;
let config: Config;
beforeEach(async () => {
  api = await startLocalApi();
  fake = new FakeOAuthApi(api);
  config = loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    LOG_LEVEL: 'silent',
    SHIPBOB_BASE_URL: `${api.url}/shipbob`,
    SHIPBOB_TOKEN_URL: `${api.url}/oauth/token`,
    SHIPBOB_CLIENT_ID: CLIENT_ID,
    SHIPBOB_CLIENT_SECRET: CLIENT_SECRET,
  });
});
afterEach(() => api.close());

const order = z.object({ id: z.number(), token: z.string() });
const getOrder = (http: HttpClient) =>
  http.request('shipbob', { method: 'GET', path: '/1.0/order/1', schema: order });
const apiCalls = () => api.requests.filter((r) => r.path.startsWith('/shipbob'));

describe('client credentials', () => {
  test('20 concurrent calls share one token request; the token is sent with client auth', async () => {
    const http = new HttpClient({ systems: config.systems });
    const results = await Promise.all(Array.from({ length: 20 }, () => getOrder(http)));
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.tokenRequests[0]!.get('grant_type')).toBe('client_credentials');
    expect(new Set(results.map((r) => r.token))).toEqual(new Set(['access-token-1']));
    // Later calls use the cached token.
    await Promise.all(Array.from({ length: 5 }, () => getOrder(http)));
    expect(fake.tokenRequests).toHaveLength(1);
    expect(http.tokenProvider('shipbob')!.fetches).toBe(1);
  });

  test('20 concurrent calls rejected with 401 cause exactly one refresh, then all succeed', async () => {
    const http = new HttpClient({ systems: config.systems });
    await getOrder(http);
    fake.revokeAll(); // the server ends the token early (revoked, rotated keys…)
    const results = await Promise.all(Array.from({ length: 20 }, () => getOrder(http)));
    expect(fake.tokenRequests).toHaveLength(2);
    expect(new Set(results.map((r) => r.token))).toEqual(new Set(['access-token-2']));
    const rejected = apiCalls().filter((r) => r.headers.authorization === 'Bearer access-token-1');
    expect(rejected).toHaveLength(21); // the first call, then each of the 20 once — no retry loop
  });

  test('a 401 that persists with a fresh token fails (non-retryable), after one refresh only', async () => {
    const http = new HttpClient({ systems: config.systems });
    api.handle((req, res) =>
      req.path === '/oauth/token'
        ? json(res, 200, { access_token: `t-${api.requests.length}`, expires_in: 3600 })
        : json(res, 401, { message: 'Authorization has been denied for this request.' }),
    );
    const err = await getOrder(http).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'ApiRequestError', nonRetryable: true });
    expect((err as Error).message).toContain('401: Authorization has been denied');
    expect(api.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(2);
    expect(apiCalls()).toHaveLength(2);
  });

  test('wrong client credentials → non-retryable ConfigError; a token endpoint 5xx → retryable', async () => {
    const bad = loadConfig({
      SWITCHBOARD_SANDBOX: 'true',
      LOG_LEVEL: 'silent',
      SHIPBOB_BASE_URL: `${api.url}/shipbob`,
      SHIPBOB_TOKEN_URL: `${api.url}/oauth/token`,
      SHIPBOB_CLIENT_ID: CLIENT_ID,
      SHIPBOB_CLIENT_SECRET: 'not-the-secret',
    });
    await expect(getOrder(new HttpClient({ systems: bad.systems }))).rejects.toMatchObject({
      type: 'ConfigError',
      nonRetryable: true,
    });
    api.handle((_req, res) => json(res, 502, { message: 'bad gateway' }));
    await expect(getOrder(new HttpClient({ systems: config.systems }))).rejects.toMatchObject({
      type: 'ApiUnavailableError',
      nonRetryable: false,
    });
  });
});

describe('expiry', () => {
  const clientCredentials = (): Extract<AuthConfig, { type: 'oauth2ClientCredentials' }> => ({
    type: 'oauth2ClientCredentials',
    tokenUrl: `${api.url}/oauth/token`,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
  });

  test('a token is replaced 30 s before it expires, not after', async () => {
    const tokens = new TokenProvider(clientCredentials());
    const fetchedAt = Date.now();
    expect(await tokens.token()).toBe('access-token-1');
    // One hour tokens: still used 31 s before expiry, replaced 29 s before.
    expect(await tokens.token(fetchedAt + 3_569_000)).toBe('access-token-1');
    expect(await tokens.token(fetchedAt + 3_571_000 + (Date.now() - fetchedAt))).toBe('access-token-2');
    expect(fake.tokenRequests).toHaveLength(2);
  });

  test('a short-lived token is kept for most of its life (the margin is a fifth of it)', async () => {
    fake.expiresIn = 10;
    const tokens = new TokenProvider(clientCredentials());
    const fetchedAt = Date.now();
    await tokens.token();
    expect(await tokens.token(fetchedAt + 7_500)).toBe('access-token-1');
    expect(await tokens.token(fetchedAt + 8_100 + (Date.now() - fetchedAt))).toBe('access-token-2');
  });

  test('concurrent callers after expiry share one refresh', async () => {
    const tokens = new TokenProvider(clientCredentials());
    await tokens.token();
    const later = Date.now() + 3_600_000;
    const all = await Promise.all(Array.from({ length: 20 }, () => tokens.token(later)));
    expect(new Set(all)).toEqual(new Set(['access-token-2']));
    expect(fake.tokenRequests).toHaveLength(2);
  });
});

describe('refresh token', () => {
  test('a rotated refresh token is kept and used for the next refresh', async () => {
    const systems = structuredClone(config.systems);
    systems.shipbob.auth = {
      type: 'oauth2RefreshToken',
      tokenUrl: `${api.url}/oauth/token`,
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      refreshToken: 'refresh-0',
    };
    const http = new HttpClient({ systems });
    await Promise.all(Array.from({ length: 10 }, () => getOrder(http)));
    fake.revokeAll();
    await Promise.all(Array.from({ length: 10 }, () => getOrder(http)));
    fake.revokeAll();
    const last = await getOrder(http);
    expect(last.token).toBe('access-token-3');
    // Each refresh presented the token the previous one returned; the server accepts each only once.
    expect(fake.tokenRequests.map((f) => [f.get('grant_type'), f.get('refresh_token')])).toEqual([
      ['refresh_token', 'refresh-0'],
      ['refresh_token', 'refresh-1'],
      ['refresh_token', 'refresh-2'],
    ]);
  });
});
