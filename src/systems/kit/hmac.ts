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

/** A scheme that signs a timestamp with the body and sends both in headers (HubSpot v3, Slack, Zendesk). */
export interface TimestampedSignatureScheme {
  /** Header names, spelled as the errors show them. */
  signatureHeader: string;
  timestampHeader: string;
  toleranceMs: number;
  /** The timestamp header's value in ms since the epoch; NaN when it is not one. */
  timestampMs(value: string): number;
  /** Whether an active secret made this signature over this timestamp and the body. */
  matches(signature: string, timestamp: string): boolean;
}

/** Both headers present, the timestamp within the tolerance (a replay is refused), the signature ours. */
export function verifyTimestampedSignature(
  req: SignedRequest,
  scheme: TimestampedSignatureScheme,
  now: number,
): void {
  const { signatureHeader, timestampHeader } = scheme;
  const signature = header(req.headers, signatureHeader);
  const timestamp = header(req.headers, timestampHeader);
  if (!signature || !timestamp) {
    throw new SignatureError('missing_signature', `${signatureHeader} and ${timestampHeader} are required`);
  }
  if (!withinTolerance(scheme.timestampMs(timestamp), scheme.toleranceMs, now)) {
    const minutes = scheme.toleranceMs / 60_000;
    throw new SignatureError(
      'stale_signature',
      `${timestampHeader} is outside the ${minutes}-minute tolerance`,
    );
  }
  if (!scheme.matches(signature, timestamp)) {
    throw new SignatureError('invalid_signature', `${signatureHeader} does not match`);
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
