/**
 * HubSpot webhook signature v3: `X-HubSpot-Signature-v3` = base64(HMAC-SHA256(client secret,
 * method + URI + body + timestamp)), timestamp in `X-HubSpot-Request-Timestamp` (ms), 5-minute tolerance.
 * https://developers.hubspot.com/docs/api/webhooks/validating-requests
 */
import { type HmacScheme, hmacSha256, type SignedRequest, verifyHmacSignature } from '../kit/hmac';

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

/** What HubSpot signs: method + canonical URI + body + timestamp. */
function hubspotSignedPayload(req: Omit<SignedRequest, 'headers'>, timestamp: string): Buffer {
  const methodAndUri = req.method.toUpperCase() + hubspotCanonicalUri(req.url);
  return Buffer.concat([Buffer.from(methodAndUri), req.rawBody, Buffer.from(timestamp)]);
}

export function signHubspotV3(
  secret: string,
  req: Omit<SignedRequest, 'headers'>,
  timestamp: string,
): string {
  return hmacSha256(secret, hubspotSignedPayload(req, timestamp)).toString('base64');
}

const HUBSPOT: HmacScheme = {
  header: 'X-HubSpot-Signature-v3',
  encoding: 'base64',
  timestamp: { header: 'X-HubSpot-Request-Timestamp', toleranceMs: HUBSPOT_TOLERANCE_MS, toMs: Number },
  signedPayload: hubspotSignedPayload,
};

export function verifyHubspotSignature(req: SignedRequest, secrets: string[], now = Date.now()): void {
  verifyHmacSignature(req, secrets, HUBSPOT, now);
}
