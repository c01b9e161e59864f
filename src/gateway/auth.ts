/**
 * Management routes take `Authorization: Bearer <api key>`. Keys come from the environment (API_KEYS for
 * full access, API_READ_KEYS for GET only), several at once so a key can be rotated without downtime.
 * Webhook routes do not use this: a sender's signature is its authentication.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './errors';

export type Access = 'read' | 'write';

/** Hashing first gives equal-length buffers, so the comparison's time says nothing about the key. */
const digest = (key: string) => createHash('sha256').update(key).digest();

function matchesAny(candidate: Buffer, keys: Buffer[]): boolean {
  let matched = false;
  for (const key of keys) if (timingSafeEqual(candidate, key)) matched = true;
  return matched;
}

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

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function requireApiKey(keys: { apiKeys: string[]; apiReadKeys: string[] }): RequestHandler {
  return (req, _res, next) => {
    const key = bearerKey(req.get('authorization'));
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
