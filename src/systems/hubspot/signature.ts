/**
 * HubSpot webhook signature v3: `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(client secret,
 * method + URI + body + timestamp)), timestamp in `X-HubSpot-Request-Timestamp` (ms), 5-minute tolerance.
 * https://developers.hubspot.com/docs/api/webhooks/validating-requests
 */
import {
  anySecretMatches,
  hmacSha256,
  SignedRequest,
  TimestampedSignatureScheme,
  verifyTimestampedSignature,
} from '../kit/hmac';

export const HUBSPOT_TOLERANCE_MS = 5 * 60 * 1000;

/** HubSpot decodes these percent-encoded characters in the URI before signing. */
const DECODED: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};
export function hubspotCanonicalUri(url: string): string {
  return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODED[m.toUpperCase()] ?? m);
}

export function signHubspotV3(
  secret: string,
  req: Omit<SignedRequest, 'headers'>,
  timestamp: string,
): string {
  const base = Buffer.concat([
    Buffer.from(req.method.toUpperCase() + hubspotCanonicalUri(req.url)),
    req.rawBody,
    Buffer.from(timestamp),
  ]);
  return hmacSha256(secret, base).toString('base64');
}

export function verifyHubspotSignature(req: SignedRequest, secrets: string[], now = Date.now()): void {
  const scheme: TimestampedSignatureScheme = {
    signatureHeader: 'X-HubSpot-Signature-v3',
    timestampHeader: 'X-HubSpot-Request-Timestamp',
    toleranceMs: HUBSPOT_TOLERANCE_MS,
    timestampMs: Number,
    matches: (value, timestamp) => {
      const received = Buffer.from(value, 'base64');
      const sign = (s: string) => Buffer.from(signHubspotV3(s, req, timestamp), 'base64');
      return anySecretMatches(secrets, sign, [received]);
    },
  };
  verifyTimestampedSignature(req, scheme, now);
}
