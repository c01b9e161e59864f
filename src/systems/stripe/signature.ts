/**
 * Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, each v1 = hex(HMAC-SHA256(endpoint
 * secret, `${t}.${body}`)). Stripe sends one v1 per active endpoint secret while a secret is being rolled,
 * so any v1 may match any configured secret. 300 s tolerance, as Stripe's own libraries default to.
 * https://docs.stripe.com/webhooks#verify-manually
 */
import {
  anySecretMatches,
  decodeSignature,
  header,
  hmacSha256,
  secondsToMs,
  SignatureError,
  SignedRequest,
  withinTolerance,
} from '../kit/hmac';

export const STRIPE_TOLERANCE_MS = 300 * 1000;

/** The `t` and `v1` entries of the header; other schemes (v0 test signatures) are ignored. */
export function parseStripeSignatureHeader(value: string): { timestamp?: string; v1: string[] } {
  const parsed: { timestamp?: string; v1: string[] } = { v1: [] };
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq < 0) continue;
    const key = item.slice(0, eq).trim();
    const val = item.slice(eq + 1).trim();
    if (key === 't') parsed.timestamp = val;
    else if (key === 'v1') parsed.v1.push(val);
  }
  return parsed;
}

export function verifyStripeSignature(req: SignedRequest, secrets: string[], now = Date.now()): void {
  const value = header(req.headers, 'stripe-signature');
  if (!value) throw new SignatureError('missing_signature', 'Stripe-Signature is required');
  const { timestamp, v1 } = parseStripeSignatureHeader(value);
  if (!timestamp || v1.length === 0) {
    throw new SignatureError('invalid_signature', 'Stripe-Signature needs a t= and at least one v1= entry');
  }
  if (!withinTolerance(secondsToMs(timestamp), STRIPE_TOLERANCE_MS, now)) {
    throw new SignatureError('stale_signature', 'Stripe-Signature timestamp is outside the 300 s tolerance');
  }
  const received = v1.map((s) => decodeSignature(s, 'hex')).filter((b): b is Buffer => b !== undefined);
  const signedPayload = Buffer.concat([Buffer.from(`${timestamp}.`), req.rawBody]);
  if (!anySecretMatches(secrets, (s) => hmacSha256(s, signedPayload), received)) {
    throw new SignatureError('invalid_signature', 'no Stripe-Signature v1 entry matches');
  }
}
