/** Standard Webhooks (Svix, ShipBob), signed by the reference library `standardwebhooks`. */
import { WEBHOOK_SOURCES } from '../webhooks';
import type { SignedRequest } from './hmac';
import { loadConfig } from '../../config';
import { Headers, standardWebhookHeaders, verdict } from '../../../test/helpers/webhookSigning';

const OLD = `whsec_${Buffer.from('the old standard webhooks key').toString('base64')}`;
const NEW = `whsec_${Buffer.from('the new standard webhooks key').toString('base64')}`;
const body = JSON.stringify({
  type: 'invoice.paid',
  timestamp: new Date().toISOString(),
  data: { id: 'in_1' },
});
const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);

const request = (headers: Headers, rawBody: string): SignedRequest => ({
  method: 'POST',
  url: 'https://hooks.example.com/webhooks/standard',
  headers,
  rawBody: Buffer.from(rawBody),
});

describe.each([
  ['standard', 'STANDARD_WEBHOOK_SECRETS'],
  ['shipbob', 'SHIPBOB_WEBHOOK_SECRETS'],
])('the %s source', (source, variable) => {
  const verify = (secrets: string, headers: Headers, rawBody = body) =>
    verdict(() =>
      WEBHOOK_SOURCES[source].verify(
        request(headers, rawBody),
        loadConfig({ SWITCHBOARD_SANDBOX: 'true', [variable]: secrets }),
      ),
    );

  test("accepts Svix's own svix-* header names for the same scheme", () => {
    const signed = standardWebhookHeaders(body, [NEW]);
    const svix = Object.fromEntries(
      Object.entries(signed).map(([k, v]) => [k.replace(/^webhook-/, 'svix-'), v]),
    ) as Headers;
    expect(Object.keys(svix).some((k) => k.startsWith('webhook-'))).toBe(false);
    expect(verify(NEW, svix)).toBe('ok');
  });

  test('accepts what the reference library signs, with either secret during rotation', () => {
    expect(verify(NEW, standardWebhookHeaders(body, [NEW]))).toBe('ok');
    expect(verify(`${NEW},${OLD}`, standardWebhookHeaders(body, [OLD]))).toBe('ok');
    expect(verify(`${NEW},${OLD}`, standardWebhookHeaders(body, [NEW]))).toBe('ok');
    // A sender rolling its secret signs with both: several space-separated signatures.
    const both = standardWebhookHeaders(body, [OLD, NEW]);
    expect(both['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verify(NEW, both)).toBe('ok');
  });

  test('rejects a tampered body, a removed secret, and a timestamp outside 5 minutes', () => {
    expect(verify(NEW, standardWebhookHeaders(body, [NEW]), body.replace('in_1', 'in_2'))).toBe(
      'invalid_signature',
    );
    expect(verify(NEW, standardWebhookHeaders(body, [OLD]))).toBe('invalid_signature');
    expect(verify(NEW, standardWebhookHeaders(body, [NEW], ago(301)))).toBe('stale_signature');
    expect(verify(NEW, standardWebhookHeaders(body, [NEW], ago(-301)))).toBe('stale_signature');
    expect(verify(NEW, standardWebhookHeaders(body, [NEW], ago(280)))).toBe('ok');
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
