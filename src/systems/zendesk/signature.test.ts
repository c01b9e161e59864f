/**
 * Zendesk webhook signatures. Zendesk publishes no signing library: signed here as its docs describe,
 * base64 HMAC-SHA256 of timestamp + body, the ISO 8601 timestamp in its own header.
 */
import { createHmac } from 'node:crypto';
import { describeSignatureScheme } from '../../../test/helpers/signatureScheme';
import { zendeskHeaders } from '../../../test/helpers/webhookSigning';

const OLD = 'old-zendesk-signing-secret';
const NEW = 'new-zendesk-signing-secret';
const body = JSON.stringify({ id: 'evt-1', type: 'ticket.solved', detail: { id: '5001' } });

const verify = describeSignatureScheme('zendesk', [NEW, OLD], {
  body,
  tampered: body.replace('5001', '5002'),
  signAt: (secret, at) => zendeskHeaders(body, secret, at),
});

test('accepts the timestamp with milliseconds, as the sandbox sends it, and as Unix seconds', () => {
  const withMs = new Date().toISOString();
  const sign = (ts: string) =>
    createHmac('sha256', NEW)
      .update(ts + body)
      .digest('base64');
  const headers = (ts: string) => ({
    'x-zendesk-webhook-signature': sign(ts),
    'x-zendesk-webhook-signature-timestamp': ts,
  });
  expect(verify(NEW, headers(withMs))).toBe('ok');
  expect(verify(NEW, headers(String(Math.floor(Date.now() / 1000))))).toBe('ok');
  expect(verify(NEW, headers('yesterday'))).toBe('stale_signature');
});

test('rejects a signature without its timestamp', () => {
  const { 'x-zendesk-webhook-signature': signature } = zendeskHeaders(body, NEW);
  expect(verify(NEW, { 'x-zendesk-webhook-signature': signature })).toBe('missing_signature');
});
