/**
 * X-Slack-Signature. Slack's signing is done by its servers only (no signing library): signed here as
 * its docs describe, v0= hex HMAC-SHA256 of `v0:<timestamp>:<body>`.
 */
import { describeSignatureScheme } from '../../../test/helpers/signatureScheme';
import { slackHeaders } from '../../../test/helpers/webhookSigning';

const OLD = 'old-slack-signing-secret';
const NEW = 'new-slack-signing-secret';
const body = JSON.stringify({
  type: 'event_callback',
  team_id: 'T1',
  event_id: 'Ev1',
  event_time: 1,
  event: { type: 'app_mention' },
});

const verify = describeSignatureScheme('slack', [NEW, OLD], {
  body,
  tampered: body.replace('Ev1', 'Ev2'),
  signAt: (secret, at) => slackHeaders(body, secret, at),
});

test('rejects a missing timestamp, a timestamp that is not the signed one, and a malformed signature', () => {
  const headers = slackHeaders(body, NEW);
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
