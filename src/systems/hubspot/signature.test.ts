import { createHmac } from 'node:crypto';
import { SignatureError } from '../kit/hmac';
import { verifyHubspotSignature } from './signature';

const url = 'https://hooks.example.com/webhooks/hubspot?portal=62515';
const body = Buffer.from('[{"eventId":1,"objectId":123}]');
const now = 1_800_000_000_000;

/** Signed the way HubSpot documents v3, independently of the verifier under test. */
function headers(secret: string, timestamp = now, signedUrl = url) {
  const signature = createHmac('sha256', secret)
    .update(`POST${signedUrl}${body.toString()}${timestamp}`)
    .digest('base64');
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(timestamp) };
}

const verify = (h: Record<string, string>, secrets = ['s3cret'], at = now) =>
  verifyHubspotSignature({ method: 'POST', url, headers: h, rawBody: body }, secrets, at);

const code = (fn: () => void) => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return (err as SignatureError).code;
  }
};

test('accepts a valid v3 signature, with either secret during rotation', () => {
  expect(code(() => verify(headers('s3cret')))).toBe('ok');
  expect(code(() => verify(headers('new-secret'), ['s3cret', 'new-secret']))).toBe('ok');
});

test('rejects missing, tampered, stale and removed-secret signatures', () => {
  expect(code(() => verify({}))).toBe('missing_signature');
  expect(code(() => verify(headers('other')))).toBe('invalid_signature');
  expect(code(() => verify(headers('s3cret', now - 5 * 60 * 1000 - 1)))).toBe('stale_signature');
  expect(code(() => verify(headers('s3cret', now + 5 * 60 * 1000 + 1)))).toBe('stale_signature');
  expect(code(() => verify(headers('old-secret'), ['s3cret']))).toBe('invalid_signature');
  expect(
    code(() => verify(headers('s3cret', now, 'https://evil.example.com/webhooks/hubspot?portal=62515'))),
  ).toBe('invalid_signature');
});

test('decodes the characters HubSpot decodes before signing', () => {
  const encodedUrl = 'https://hooks.example.com/webhooks/hubspot?redirect=%3A%2F%2Fx%40y';
  const signature = createHmac('sha256', 's3cret')
    .update(`POSThttps://hooks.example.com/webhooks/hubspot?redirect=://x@y${body.toString()}${now}`)
    .digest('base64');
  expect(
    code(() =>
      verifyHubspotSignature(
        {
          method: 'POST',
          url: encodedUrl,
          headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(now) },
          rawBody: body,
        },
        ['s3cret'],
        now,
      ),
    ),
  ).toBe('ok');
});
