/**
 * Management routes take `Authorization: Bearer <api key>`. Keys come from the environment (API_KEYS for
 * full access, API_READ_KEYS for GET only), several at once so a key can be rotated without downtime.
 * A browser cannot send that header from a link, so a key can also be set once as the `sb_key` cookie
 * (POST /login): HttpOnly, SameSite=Strict, and only ever good for reading (GET/HEAD), so a page another
 * site makes a browser submit can never change anything.
 * Webhook routes do not use this: a sender's signature is its authentication.
 */
import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { matchesAny } from '../systems/kit/hmac';
import { HttpError } from './errors';

export type Access = 'read' | 'write';

/** Hashing first gives equal-length buffers, so the comparison's time says nothing about the key. */
const digest = (key: string) => createHash('sha256').update(key).digest();

export function bearerKey(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

/** The access a presented key grants, or undefined for an unknown key. */
export function accessOf(
  key: string,
  keys: { apiKeys: string[]; apiReadKeys: string[] },
): Access | undefined {
  const candidate = digest(key);
  if (matchesAny(candidate, keys.apiKeys.map(digest))) return 'write';
  if (matchesAny(candidate, keys.apiReadKeys.map(digest))) return 'read';
  return undefined;
}

export const KEY_COOKIE = 'sb_key';

/** The `sb_key` cookie's value, if the request carries one. */
export function cookieKey(cookieHeader: string | undefined): string | undefined {
  for (const part of (cookieHeader ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== KEY_COOKIE) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim()) || undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

export const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The key a request presents and how: the Authorization header, else (reads only) the `sb_key` cookie.
 * A cookie never grants more than reading, whichever key it holds.
 */
export function presentedKey(req: {
  method: string;
  get(name: string): string | undefined;
}): { key: string; via: 'header' | 'cookie' } | undefined {
  const header = bearerKey(req.get('authorization'));
  if (header) return { key: header, via: 'header' };
  const cookie = SAFE_METHODS.has(req.method) ? cookieKey(req.get('cookie')) : undefined;
  return cookie ? { key: cookie, via: 'cookie' } : undefined;
}

export function requireApiKey(keys: { apiKeys: string[]; apiReadKeys: string[] }): RequestHandler {
  return (req, _res, next) => {
    const key = presentedKey(req)?.key;
    if (!key) {
      throw new HttpError(401, 'missing_api_key', 'send Authorization: Bearer <api key>', {
        'WWW-Authenticate': 'Bearer realm="switchboard"',
      });
    }
    const access = accessOf(key, keys);
    if (!access) {
      throw new HttpError(401, 'invalid_api_key', 'the API key is not valid', {
        'WWW-Authenticate': 'Bearer realm="switchboard", error="invalid_token"',
      });
    }
    if (access === 'read' && !SAFE_METHODS.has(req.method)) {
      throw new HttpError(
        403,
        'read_only_api_key',
        `this API key may only read; ${req.method} needs a full key`,
      );
    }
    next();
  };
}
