/** The generic in-house HMAC-SHA256 scheme: header name, encoding and prefix come from the configuration. */
import { createHmac } from 'node:crypto';
import { WEBHOOK_SOURCES } from '../webhooks';
import type { SignedRequest } from '../kit/hmac';
import { loadConfig } from '../../config';
import { verdict } from '../../../test/helpers/webhookSigning';

const OLD = 'old-generic-secret';
const NEW = 'new-generic-secret';
const body = JSON.stringify({ id: 'e-1', type: 'invoice.created', recordId: 'inv-1', data: { amount: 10 } });
const hmac = (secret: string, encoding: 'hex' | 'base64', payload = body) =>
  createHmac('sha256', secret).update(payload).digest(encoding);

const request = (headers: Record<string, string>, rawBody: string): SignedRequest => ({
  method: 'POST',
  url: 'https://hooks.example.com/webhooks/generic',
  headers,
  rawBody: Buffer.from(rawBody),
});

describe('defaults: X-Signature: sha256=<hex>', () => {
  const verify = (secrets: string, signature?: string, rawBody = body) =>
    verdict(() =>
      WEBHOOK_SOURCES.generic.verify(
        request(signature === undefined ? {} : { 'x-signature': signature }, rawBody),
        loadConfig({ SWITCHBOARD_SANDBOX: 'true', GENERIC_WEBHOOK_SECRETS: secrets }),
      ),
    );

  test('accepted when right, with either secret during rotation', () => {
    expect(verify(NEW, `sha256=${hmac(NEW, 'hex')}`)).toBe('ok');
    expect(verify(`${NEW},${OLD}`, `sha256=${hmac(OLD, 'hex')}`)).toBe('ok');
    expect(verify(`${NEW},${OLD}`, `sha256=${hmac(NEW, 'hex')}`)).toBe('ok');
  });

  test('rejected when tampered, signed with a removed secret, missing, or without the prefix', () => {
    expect(verify(NEW, `sha256=${hmac(NEW, 'hex')}`, body.replace('10', '99'))).toBe('invalid_signature');
    expect(verify(NEW, `sha256=${hmac(OLD, 'hex')}`)).toBe('invalid_signature');
    expect(verify(NEW)).toBe('missing_signature');
    expect(verify(NEW, hmac(NEW, 'hex'))).toBe('invalid_signature');
    expect(verify(NEW, `sha256=${hmac(NEW, 'base64')}`)).toBe('invalid_signature');
  });
});

test('configured header, base64 encoding and prefix', () => {
  const config = loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    GENERIC_WEBHOOK_SECRETS: `${NEW},${OLD}`,
    GENERIC_WEBHOOK_HEADER: 'X-Acme-Signature',
    GENERIC_WEBHOOK_ENCODING: 'base64',
    GENERIC_WEBHOOK_PREFIX: 'v1=',
  });
  const verify = (headers: Record<string, string>, rawBody = body) =>
    verdict(() => WEBHOOK_SOURCES.generic.verify(request(headers, rawBody), config));
  expect(verify({ 'x-acme-signature': `v1=${hmac(NEW, 'base64')}` })).toBe('ok');
  expect(verify({ 'x-acme-signature': `v1=${hmac(OLD, 'base64')}` })).toBe('ok');
  expect(verify({ 'x-acme-signature': `v1=${hmac(NEW, 'base64')}` }, `${body} `)).toBe('invalid_signature');
  expect(verify({ 'x-acme-signature': `v1=${hmac('removed', 'base64')}` })).toBe('invalid_signature');
  expect(verify({ 'x-acme-signature': hmac(NEW, 'base64') })).toBe('invalid_signature');
  expect(verify({ 'x-signature': `sha256=${hmac(NEW, 'hex')}` })).toBe('missing_signature');
});
