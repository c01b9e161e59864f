/**
 * X-Slack-Signature. Slack's signing is done by its servers only (no signing library): signed here as
 * its docs describe, v0= hex HMAC-SHA256 of `v0:<timestamp>:<body>`.
 */
import { WEBHOOK_SOURCES } from '../webhooks';
import type { SignedRequest } from '../kit/hmac';
import { loadConfig } from '../../config';
import { Headers, slackHeaders, verdict } from '../../../test/helpers/webhookSigning';

const OLD = 'old-slack-signing-secret';
const NEW = 'new-slack-signing-secret';
const body = JSON.stringify({
  type: 'event_callback',
  event_id: 'Ev1',
  event_time: 1,
  event: { type: 'app_mention' },
});
const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);

const request = (headers: Headers, rawBody: string): SignedRequest => ({
  method: 'POST',
  url: 'https://hooks.example.com/webhooks/slack',
  headers,
  rawBody: Buffer.from(rawBody),
});
const verify = (secrets: string, headers: Headers, rawBody = body) =>
  verdict(() =>
    WEBHOOK_SOURCES.slack.verify(
      request(headers, rawBody),
      loadConfig({ SWITCHBOARD_SANDBOX: 'true', SLACK_SIGNING_SECRETS: secrets }),
    ),
  );

test('accepts what Slack signs, with either secret during rotation', () => {
  expect(verify(NEW, slackHeaders(body, NEW))).toBe('ok');
  expect(verify(`${NEW},${OLD}`, slackHeaders(body, OLD))).toBe('ok');
  expect(verify(`${NEW},${OLD}`, slackHeaders(body, NEW))).toBe('ok');
});

test('rejects a tampered body, a removed secret and a timestamp outside 5 minutes', () => {
  expect(verify(NEW, slackHeaders(body, NEW), body.replace('Ev1', 'Ev2'))).toBe('invalid_signature');
  expect(verify(NEW, slackHeaders(body, OLD))).toBe('invalid_signature');
  expect(verify(NEW, slackHeaders(body, NEW, ago(301)))).toBe('stale_signature');
  expect(verify(NEW, slackHeaders(body, NEW, ago(-301)))).toBe('stale_signature');
  expect(verify(NEW, slackHeaders(body, NEW, ago(280)))).toBe('ok');
});

test('rejects missing headers, a timestamp that is not the signed one, and a malformed signature', () => {
  const headers = slackHeaders(body, NEW);
  expect(verify(NEW, {})).toBe('missing_signature');
  expect(verify(NEW, { 'x-slack-signature': headers['x-slack-signature'] })).toBe('missing_signature');
  const ts = headers['x-slack-request-timestamp'];
  expect(verify(NEW, { ...headers, 'x-slack-request-timestamp': String(Number(ts) - 1) })).toBe(
    'invalid_signature',
  );
  expect(verify(NEW, { ...headers, 'x-slack-request-timestamp': `${ts}.5` })).toBe('stale_signature');
  expect(verify(NEW, { ...headers, 'x-slack-signature': headers['x-slack-signature'].slice(3) })).toBe(
    'invalid_signature',
  );
});
