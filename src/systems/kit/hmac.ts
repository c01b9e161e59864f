/** Shared HMAC primitives for the signature verifiers: constant-time, over raw bytes, any active secret. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function hmacSha256(secret: string | Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}

/** Constant-time comparison of a received signature with an expected digest; length mismatch is a miss. */
export function safeEqual(expected: Buffer, received: Buffer): boolean {
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/** True when any active secret (rotation: old and new both valid) produced the received signature. */
export function anySecretMatches(
  secrets: string[],
  sign: (secret: string) => Buffer,
  received: Buffer[],
): boolean {
  let matched = false;
  // Check every pair (no early exit) so timing does not reveal which secret or signature matched.
  for (const secret of secrets) {
    const expected = sign(secret);
    for (const r of received) if (safeEqual(expected, r)) matched = true;
  }
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
