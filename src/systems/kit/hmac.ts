/** Shared HMAC primitives for the signature verifiers: constant-time, over raw bytes, any active secret. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256(secret: string | Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

/** Constant-time comparison of a received signature with an expected digest; length mismatch is a miss. */
export function safeEqual(expected: Buffer, received: Buffer): boolean {
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/**
 * True when `candidate` equals any of `options`. Every option is compared (no early exit), so timing does
 * not reveal which one matched, or whether any did.
 */
export function matchesAny(candidate: Buffer, options: Buffer[]): boolean {
  let matched = false;
  for (const option of options) if (safeEqual(candidate, option)) matched = true;
  return matched;
}

/** True when any active secret (rotation: old and new both valid) produced the received signature. */
export function anySecretMatches(
  secrets: string[],
  sign: (secret: string) => Buffer,
  received: Buffer[],
): boolean {
  let matched = false;
  // Every secret is tried too, so timing does not reveal which secret matched either.
  for (const secret of secrets) if (matchesAny(sign(secret), received)) matched = true;
  return matched;
}

/**
 * Strictly decodes a received signature. Buffer.from silently skips characters that are not hex/base64,
 * so "<valid hex>garbage" would decode to the valid digest: anything not canonical is no signature at all.
 */
export function decodeSignature(value: string, encoding: 'hex' | 'base64'): Buffer | undefined {
  const canonical =
    encoding === 'hex'
      ? /^(?:[0-9a-fA-F]{2})+$/.test(value)
      : value.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
  return canonical ? Buffer.from(value, encoding) : undefined;
}

/** Reads a Unix timestamp in seconds, as Stripe, Slack and Standard Webhooks send it, into ms. */
export function secondsToMs(value: string): number {
  return /^\d{1,12}$/.test(value) ? Number(value) * 1000 : NaN;
}

/** Timestamps outside the tolerance window are replays (or clocks far apart): rejected. */
export function withinTolerance(timestampMs: number, toleranceMs: number, now = Date.now()): boolean {
  return Number.isFinite(timestampMs) && Math.abs(now - timestampMs) <= toleranceMs;
}

/**
 * A sender that signs with one HMAC-SHA256 in one header, `<prefix><hex or base64>`: over the raw body
 * (GitHub, Shopify, in-house senders), or over a timestamp and the body (HubSpot v3, Slack, Zendesk).
 */
export interface HmacScheme {
  /** The signature header, spelled as the errors show it. */
  header: string;
  encoding: 'hex' | 'base64';
  /** What precedes the signature in the header (`sha256=`, `v0=`); nothing when unset. */
  prefix?: string;
  /** A signed timestamp in its own header: outside the tolerance the request is a replay, refused. */
  timestamp?: { header: string; toleranceMs: number; toMs(value: string): number };
  /** The bytes the sender signs; the raw body when unset. */
  signedPayload?(req: SignedRequest, timestamp: string): Buffer;
}

/** The headers present, the timestamp (if signed) within the tolerance, the signature an active secret's. */
export function verifyHmacSignature(
  req: SignedRequest,
  secrets: string[],
  scheme: HmacScheme,
  now = Date.now(),
): void {
  const value = header(req.headers, scheme.header);
  const stamp = scheme.timestamp;
  const timestamp = stamp ? header(req.headers, stamp.header) : '';
  if (!value || timestamp === undefined || (stamp && !timestamp)) {
    const required = stamp ? `${scheme.header} and ${stamp.header} are` : `${scheme.header} is`;
    throw new SignatureError('missing_signature', `${required} required`);
  }
  if (stamp && !withinTolerance(stamp.toMs(timestamp), stamp.toleranceMs, now)) {
    const minutes = stamp.toleranceMs / 60_000;
    throw new SignatureError('stale_signature', `${stamp.header} is outside the ${minutes}-minute tolerance`);
  }
  const prefix = scheme.prefix ?? '';
  const received = value.startsWith(prefix)
    ? decodeSignature(value.slice(prefix.length), scheme.encoding)
    : undefined;
  const payload = scheme.signedPayload?.(req, timestamp) ?? req.rawBody;
  if (!received || !anySecretMatches(secrets, (s) => hmacSha256(s, payload), [received])) {
    throw new SignatureError('invalid_signature', `${scheme.header} does not match`);
  }
}

export class SignatureError extends Error {
  constructor(
    readonly code: 'missing_signature' | 'invalid_signature' | 'stale_signature',
    message: string,
  ) {
    super(message);
  }
}

/** What every verifier reads: the request as the sender signed it, body as raw bytes. */
export interface SignedRequest {
  method: string;
  /** The full URL the sender posted to, as it signed it. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

export function header(headers: SignedRequest['headers'], name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
