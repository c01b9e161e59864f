/** Stripe-Signature, signed by Stripe's own library (stripe.webhooks.generateTestHeaderString). */
import { WEBHOOK_SOURCES } from '../webhooks';
import type { SignedRequest } from '../kit/hmac';
import { loadConfig } from '../../config';
import { Headers, stripeHeaders, verdict } from '../../../test/helpers/webhookSigning';

const OLD = 'whsec_old_endpoint_secret';
const NEW = 'whsec_new_endpoint_secret';
const body = JSON.stringify({
  id: 'evt_1',
  type: 'customer.updated',
  created: 1,
  data: { object: { id: 'cus_1' } },
});

const request = (headers: Headers, rawBody = body): SignedRequest => ({
  method: 'POST',
  url: 'https://hooks.example.com/webhooks/stripe',
  headers,
  rawBody: Buffer.from(rawBody),
});
const verify = (secrets: string, headers: Headers, rawBody = body) =>
  verdict(() =>
    WEBHOOK_SOURCES.stripe.verify(
      request(headers, rawBody),
      loadConfig({ SWITCHBOARD_SANDBOX: 'true', STRIPE_WEBHOOK_SECRETS: secrets }),
    ),
  );
const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);

test('accepts what Stripe signs', () => {
  expect(verify(NEW, stripeHeaders(body, [NEW]))).toBe('ok');
});

test('rotation: either configured secret is accepted; a header with one v1 per secret too', () => {
  expect(verify(`${NEW},${OLD}`, stripeHeaders(body, [OLD]))).toBe('ok');
  expect(verify(`${NEW},${OLD}`, stripeHeaders(body, [NEW]))).toBe('ok');
  // While rolling, Stripe signs with both secrets: the receiver that knows only the new one accepts it.
  expect(verify(NEW, stripeHeaders(body, [OLD, NEW]))).toBe('ok');
});

test('rejects a tampered body, a removed secret, and a stale or future timestamp', () => {
  const headers = stripeHeaders(body, [NEW]);
  expect(verify(NEW, headers, body.replace('cus_1', 'cus_2'))).toBe('invalid_signature');
  expect(verify(NEW, stripeHeaders(body, [OLD]))).toBe('invalid_signature');
  expect(verify(NEW, stripeHeaders(body, [NEW], ago(301)))).toBe('stale_signature');
  expect(verify(NEW, stripeHeaders(body, [NEW], ago(-301)))).toBe('stale_signature');
  expect(verify(NEW, stripeHeaders(body, [NEW], ago(290)))).toBe('ok');
});

test('rejects a missing or malformed header', () => {
  const { 'stripe-signature': header } = stripeHeaders(body, [NEW]);
  expect(verify(NEW, {})).toBe('missing_signature');
  expect(verify(NEW, { 'stripe-signature': header.replace(/,v1=.*/, '') })).toBe('invalid_signature');
  expect(verify(NEW, { 'stripe-signature': header.replace(/^t=\d+,/, '') })).toBe('invalid_signature');
  // A re-signed timestamp without a new HMAC is a replay with a forged time.
  const shifted = header.replace(/^t=(\d+)/, (_m, t: string) => `t=${Number(t) + 1}`);
  expect(verify(NEW, { 'stripe-signature': shifted })).toBe('invalid_signature');
  // Characters Buffer.from('hex') would skip do not make a signature valid.
  expect(verify(NEW, { 'stripe-signature': `${header}zz` })).toBe('invalid_signature');
});
