/** The generic in-house HMAC-SHA256 scheme: header name, encoding and prefix come from the configuration. */
import { createHmac } from 'node:crypto';
import { describeSignatureScheme } from '../../../test/helpers/signatureScheme';

const OLD = 'old-generic-secret';
const NEW = 'new-generic-secret';
const body = JSON.stringify({ id: 'e-1', type: 'invoice.created', recordId: 'inv-1', data: { amount: 10 } });
const hmac = (secret: string, encoding: 'hex' | 'base64', payload = body) =>
  createHmac('sha256', secret).update(payload).digest(encoding);

describe('defaults: X-Signature: sha256=<hex>', () => {
  const verify = describeSignatureScheme('generic', [NEW, OLD], {
    body,
    tampered: body.replace('10', '99'),
    sign: (secret) => ({ 'x-signature': `sha256=${hmac(secret, 'hex')}` }),
  });

  test('rejected without the prefix or in another encoding', () => {
    expect(verify(NEW, { 'x-signature': hmac(NEW, 'hex') })).toBe('invalid_signature');
    expect(verify(NEW, { 'x-signature': `sha256=${hmac(NEW, 'base64')}` })).toBe('invalid_signature');
  });
});

describe('configured header, base64 encoding and prefix', () => {
  const verify = describeSignatureScheme('generic', [NEW, OLD], {
    body,
    tampered: `${body} `,
    settings: {
      GENERIC_WEBHOOK_HEADER: 'X-Acme-Signature',
      GENERIC_WEBHOOK_ENCODING: 'base64',
      GENERIC_WEBHOOK_PREFIX: 'v1=',
    },
    sign: (secret) => ({ 'x-acme-signature': `v1=${hmac(secret, 'base64')}` }),
  });

  test('rejected with a secret never configured, without the prefix, or in the default header', () => {
    expect(verify(`${NEW},${OLD}`, { 'x-acme-signature': `v1=${hmac('removed', 'base64')}` })).toBe(
      'invalid_signature',
    );
    expect(verify(`${NEW},${OLD}`, { 'x-acme-signature': hmac(NEW, 'base64') })).toBe('invalid_signature');
    expect(verify(`${NEW},${OLD}`, { 'x-signature': `sha256=${hmac(NEW, 'hex')}` })).toBe(
      'missing_signature',
    );
  });
});
