/**
 * X-Shopify-Hmac-Sha256. Shopify publishes no signing library: signed here as its docs describe, base64
 * HMAC-SHA256 of the raw body with the app's client secret.
 */
import { createHmac } from 'node:crypto';
import { describeSignatureScheme } from '../../../test/helpers/signatureScheme';

const OLD = 'old-shopify-secret';
const NEW = 'new-shopify-secret';
const body = JSON.stringify({ id: 820982911946154500, email: 'jon@example.com', total_price: '25.00' });
const hmac = (secret: string) => createHmac('sha256', secret).update(body).digest('base64');

const verify = describeSignatureScheme('shopify', [NEW, OLD], {
  body,
  tampered: body.replace('25.00', '0.01'),
  headers: {
    'x-shopify-topic': 'orders/create',
    'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  },
  sign: (secret) => ({ 'x-shopify-hmac-sha256': hmac(secret) }),
});

test('rejects a malformed signature', () => {
  const hex = createHmac('sha256', NEW).update(body).digest('hex');
  expect(verify(NEW, { 'x-shopify-hmac-sha256': hex })).toBe('invalid_signature');
  expect(verify(NEW, { 'x-shopify-hmac-sha256': `${hmac(NEW)}!!` })).toBe('invalid_signature');
});
