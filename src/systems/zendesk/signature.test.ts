/**
 * Zendesk webhook signatures. Zendesk publishes no signing library: signed here as its docs describe,
 * base64 HMAC-SHA256 of timestamp + body, the ISO 8601 timestamp in its own header.
 */
import { createHmac } from 'node:crypto';
import { WEBHOOK_SOURCES } from '../webhooks';
import type { SignedRequest } from '../kit/hmac';
import { loadConfig } from '../../config';
import { Headers, verdict, zendeskHeaders } from '../../../test/helpers/webhookSigning';

const OLD = 'old-zendesk-signing-secret';
const NEW = 'new-zendesk-signing-secret';
const body = JSON.stringify({ id: 'evt-1', type: 'ticket.solved', detail: { id: '5001' } });
const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);

const request = (headers: Headers, rawBody: string): SignedRequest => ({
  method: 'POST',
  url: 'https://hooks.example.com/webhooks/zendesk',
  headers,
  rawBody: Buffer.from(rawBody),
});
const verify = (secrets: string, headers: Headers, rawBody = body) =>
  verdict(() =>
    WEBHOOK_SOURCES.zendesk.verify(
      request(headers, rawBody),
      loadConfig({ SWITCHBOARD_SANDBOX: 'true', ZENDESK_WEBHOOK_SECRETS: secrets }),
    ),
  );

test('accepts what Zendesk signs, with either secret during rotation', () => {
  expect(verify(NEW, zendeskHeaders(body, NEW))).toBe('ok');
  expect(verify(`${NEW},${OLD}`, zendeskHeaders(body, OLD))).toBe('ok');
  expect(verify(`${NEW},${OLD}`, zendeskHeaders(body, NEW))).toBe('ok');
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

test('rejects a tampered body, a removed secret, a timestamp outside 5 minutes, missing headers', () => {
  expect(verify(NEW, zendeskHeaders(body, NEW), body.replace('5001', '5002'))).toBe('invalid_signature');
  expect(verify(NEW, zendeskHeaders(body, OLD))).toBe('invalid_signature');
  expect(verify(NEW, zendeskHeaders(body, NEW, ago(301)))).toBe('stale_signature');
  expect(verify(NEW, zendeskHeaders(body, NEW, ago(-301)))).toBe('stale_signature');
  expect(verify(NEW, zendeskHeaders(body, NEW, ago(280)))).toBe('ok');
  const { 'x-zendesk-webhook-signature': signature } = zendeskHeaders(body, NEW);
  expect(verify(NEW, { 'x-zendesk-webhook-signature': signature })).toBe('missing_signature');
  expect(verify(NEW, {})).toBe('missing_signature');
});
