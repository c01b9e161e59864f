/** Standard Webhooks (Svix, ShipBob), signed by the reference library `standardwebhooks`. */
import { describeSignatureScheme } from '../../../test/helpers/signatureScheme';
import { Headers, standardWebhookHeaders } from '../../../test/helpers/webhookSigning';

const OLD = `whsec_${Buffer.from('the old standard webhooks key').toString('base64')}`;
const NEW = `whsec_${Buffer.from('the new standard webhooks key').toString('base64')}`;
const body = JSON.stringify({
  type: 'invoice.paid',
  timestamp: new Date().toISOString(),
  data: { id: 'in_1' },
});

describe.each(['standard', 'shipbob'] as const)('the %s source', (source) => {
  const verify = describeSignatureScheme(source, [NEW, OLD], {
    body,
    tampered: body.replace('in_1', 'in_2'),
    signAt: (secret, at) => standardWebhookHeaders(body, [secret], at),
  });

  test("accepts Svix's own svix-* header names for the same scheme", () => {
    const signed = standardWebhookHeaders(body, [NEW]);
    const svix = Object.fromEntries(
      Object.entries(signed).map(([k, v]) => [k.replace(/^webhook-/, 'svix-'), v]),
    ) as Headers;
    expect(Object.keys(svix).some((k) => k.startsWith('webhook-'))).toBe(false);
    expect(verify(NEW, svix)).toBe('ok');
  });

  test('a sender rolling its secret signs with both: several space-separated signatures', () => {
    const both = standardWebhookHeaders(body, [OLD, NEW]);
    expect(both['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verify(NEW, both)).toBe('ok');
  });

  test('the message id is signed; missing headers and other signature versions are refused', () => {
    const headers = standardWebhookHeaders(body, [NEW]);
    expect(verify(NEW, { ...headers, 'webhook-id': 'msg_other' })).toBe('invalid_signature');
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const { [name]: _dropped, ...rest } = headers;
      expect(verify(NEW, rest)).toBe('missing_signature');
    }
    const v1a = headers['webhook-signature'].replace(/^v1,/, 'v1a,');
    expect(verify(NEW, { ...headers, 'webhook-signature': v1a })).toBe('invalid_signature');
  });
});
