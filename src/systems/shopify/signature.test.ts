/**
 * X-Shopify-Hmac-Sha256. Shopify publishes no signing library: signed here as its docs describe, base64
 * HMAC-SHA256 of the raw body with the app's client secret.
 */
import { createHmac } from 'node:crypto';
import { WEBHOOK_SOURCES } from '../webhooks';
import type { SignedRequest } from '../kit/hmac';
import { loadConfig } from '../../config';
import { verdict } from '../../../test/helpers/webhookSigning';

const OLD = 'old-shopify-secret';
const NEW = 'new-shopify-secret';
const body = JSON.stringify({ id: 820982911946154500, email: 'jon@example.com', total_price: '25.00' });
const sign = (secret: string, payload = body) =>
  createHmac('sha256', secret).update(payload).digest('base64');

const request = (signature: string | undefined, rawBody: string): SignedRequest => ({
  method: 'POST',
  url: 'https://hooks.example.com/webhooks/shopify',
  headers: {
    'x-shopify-topic': 'orders/create',
    'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
    ...(signature === undefined ? {} : { 'x-shopify-hmac-sha256': signature }),
  },
  rawBody: Buffer.from(rawBody),
});
const verify = (secrets: string, signature?: string, rawBody = body) =>
  verdict(() =>
    WEBHOOK_SOURCES.shopify.verify(
      request(signature, rawBody),
      loadConfig({ SWITCHBOARD_SANDBOX: 'true', SHOPIFY_WEBHOOK_SECRETS: secrets }),
    ),
  );

test('accepts what Shopify signs, with either secret during rotation', () => {
  expect(verify(NEW, sign(NEW))).toBe('ok');
  expect(verify(`${OLD},${NEW}`, sign(NEW))).toBe('ok');
  expect(verify(`${OLD},${NEW}`, sign(OLD))).toBe('ok');
});

test('rejects a tampered body, a removed secret, a missing or malformed signature', () => {
  expect(verify(NEW, sign(NEW), body.replace('25.00', '0.01'))).toBe('invalid_signature');
  expect(verify(NEW, sign(OLD))).toBe('invalid_signature');
  expect(verify(NEW)).toBe('missing_signature');
  expect(verify(NEW, createHmac('sha256', NEW).update(body).digest('hex'))).toBe('invalid_signature');
  expect(verify(NEW, `${sign(NEW)}!!`)).toBe('invalid_signature');
});
