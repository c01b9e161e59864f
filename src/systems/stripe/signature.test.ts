/** Stripe-Signature, signed by Stripe's own library (stripe.webhooks.generateTestHeaderString). */
import { describeSignatureScheme } from '../../../test/helpers/signatureScheme';
import { stripeHeaders } from '../../../test/helpers/webhookSigning';

const OLD = 'whsec_old_endpoint_secret';
const NEW = 'whsec_new_endpoint_secret';
const body = JSON.stringify({
  id: 'evt_1',
  type: 'customer.updated',
  created: 1,
  data: { object: { id: 'cus_1' } },
});

const verify = describeSignatureScheme('stripe', [NEW, OLD], {
  body,
  tampered: body.replace('cus_1', 'cus_2'),
  signAt: (secret, at) => stripeHeaders(body, [secret], at),
});

test('while rolling, Stripe signs with both secrets: the receiver that knows only the new one accepts it', () => {
  expect(verify(NEW, stripeHeaders(body, [OLD, NEW]))).toBe('ok');
});

test('rejects a malformed header', () => {
  const { 'stripe-signature': header } = stripeHeaders(body, [NEW]);
  expect(verify(NEW, { 'stripe-signature': header.replace(/,v1=.*/, '') })).toBe('invalid_signature');
  expect(verify(NEW, { 'stripe-signature': header.replace(/^t=\d+,/, '') })).toBe('invalid_signature');
  // A re-signed timestamp without a new HMAC is a replay with a forged time.
  const shifted = header.replace(/^t=(\d+)/, (_m, t: string) => `t=${Number(t) + 1}`);
  expect(verify(NEW, { 'stripe-signature': shifted })).toBe('invalid_signature');
  // Characters Buffer.from('hex') would skip do not make a signature valid.
  expect(verify(NEW, { 'stripe-signature': `${header}zz` })).toBe('invalid_signature');
});
