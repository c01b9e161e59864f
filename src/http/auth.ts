/**
 * Turns a system's AuthConfig into request headers/query. OAuth2 tokens are cached per system in the
 * process until shortly before expiry; concurrent activities share one in-flight token request.
 */
import { z } from 'zod';
import type { AuthConfig } from '../config';

const tokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  token_type: z.string().optional(),
});

interface CachedToken {
  accessToken: string;
  expiresAt: number;
  /** When the token is replaced: shortly before it expires, so a request never leaves with a dying one. */
  refreshAt: number;
}

/**
 * Tokens are replaced this long before they expire — or a fifth of their lifetime for short-lived ones,
 * so a 60-second token is not treated as already expired.
 */
const EXPIRY_MARGIN_MS = 30_000;
const EXPIRY_MARGIN_SHARE = 0.2;

export class TokenProvider {
  private cached?: CachedToken;
  private inFlight?: Promise<CachedToken>;
  /** A rotated refresh token replaces the configured one for the life of the process. */
  private refreshToken?: string;
  fetches = 0;

  constructor(
    private readonly auth: Extract<AuthConfig, { type: 'oauth2ClientCredentials' | 'oauth2RefreshToken' }>,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    if (auth.type === 'oauth2RefreshToken') this.refreshToken = auth.refreshToken;
  }

  async token(now = Date.now()): Promise<string> {
    if (this.cached && this.cached.refreshAt > now) return this.cached.accessToken;
    this.inFlight ??= this.fetchToken().finally(() => (this.inFlight = undefined));
    return (await this.inFlight).accessToken;
  }

  /**
   * Called on a 401: the token was revoked or expired early. Only that token is dropped, so when many
   * concurrent calls are rejected with it, the first one's refresh serves them all.
   */
  invalidate(rejected: string): void {
    if (this.cached?.accessToken === rejected) this.cached = undefined;
  }

  /** The tokens this provider holds now, for redaction (a rotated refresh token is not in config). */
  heldSecrets(): string[] {
    return [this.cached?.accessToken, this.refreshToken].filter((s): s is string => Boolean(s));
  }

  private async fetchToken(): Promise<CachedToken> {
    this.fetches++;
    const form = new URLSearchParams(
      this.auth.type === 'oauth2ClientCredentials'
        ? { grant_type: 'client_credentials', ...(this.auth.scope ? { scope: this.auth.scope } : {}) }
        : { grant_type: 'refresh_token', refresh_token: this.refreshToken ?? '' },
    );
    const basic = Buffer.from(`${this.auth.clientId}:${this.auth.clientSecret}`).toString('base64');
    const res = await this.fetchImpl(this.auth.tokenUrl, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form,
      // The client secret must not follow a redirect to another origin: a 3xx is an error (ConfigError).
      redirect: 'manual',
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => undefined);
      throw new TokenError(res.status, `redirect to ${locationOrigin(res, this.auth.tokenUrl)} not followed`);
    }
    if (!res.ok) throw new TokenError(res.status, await res.text().catch(() => ''));
    const parsed = tokenResponse.safeParse(await res.json().catch(() => undefined));
    if (!parsed.success) throw new TokenError(res.status, 'token endpoint returned no access_token');
    if (parsed.data.refresh_token) this.refreshToken = parsed.data.refresh_token;
    const expiresInMs = (parsed.data.expires_in ?? 3600) * 1000;
    const now = Date.now();
    const margin = Math.min(EXPIRY_MARGIN_MS, expiresInMs * EXPIRY_MARGIN_SHARE);
    this.cached = {
      accessToken: parsed.data.access_token,
      expiresAt: now + expiresInMs,
      refreshAt: now + expiresInMs - margin,
    };
    return this.cached;
  }
}

/** Where a redirect points, as an origin only (a path or user-info may carry a secret). */
function locationOrigin(res: Response, base: string): string {
  const location = res.headers.get('location');
  if (!location) return 'no Location';
  try {
    return new URL(location, base).origin;
  } catch {
    return 'an unreadable Location';
  }
}

export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    readonly status: number,
    detail: string,
  ) {
    // The token endpoint's body may echo the request; keep only a short, credential-free excerpt.
    super(
      `token request failed with ${status}: ${detail.slice(0, 200).replace(/[A-Za-z0-9_-]{24,}/g, '[redacted]')}`,
    );
  }
}

export interface AppliedAuth {
  headers: Record<string, string>;
  query: Record<string, string>;
  /** Fields merged into a JSON body (APIs like Mailchimp Transactional take the key there). */
  body?: Record<string, string>;
  /** The bearer token sent, so a 401 can invalidate exactly that token. */
  oauthToken?: string;
}

export async function applyAuth(auth: AuthConfig, tokens?: TokenProvider): Promise<AppliedAuth> {
  switch (auth.type) {
    case 'none':
      return { headers: {}, query: {} };
    case 'bearer':
      return { headers: { authorization: `Bearer ${auth.token}` }, query: {} };
    case 'basic':
      return {
        headers: {
          authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`,
        },
        query: {},
      };
    case 'apiKey':
      if (auth.in === 'header') return { headers: { [auth.name.toLowerCase()]: auth.value }, query: {} };
      if (auth.in === 'body') return { headers: {}, query: {}, body: { [auth.name]: auth.value } };
      return { headers: {}, query: { [auth.name]: auth.value } };
    case 'oauth2ClientCredentials':
    case 'oauth2RefreshToken': {
      if (!tokens) throw new Error('OAuth2 auth needs a TokenProvider');
      const token = await tokens.token();
      return { headers: { authorization: `Bearer ${token}` }, query: {}, oauthToken: token };
    }
  }
}
