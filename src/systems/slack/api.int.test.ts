/** Contract: the Slack connector against its sandbox stand-in (ok:false errors, 429 Retry-After). */
import { createSlackActivities } from './api';
import { ConnectorSandbox, startConnectorSandbox } from '../../../test/helpers/connectorSandbox';

let env: ConnectorSandbox;
let slack: ReturnType<typeof createSlackActivities>;
beforeAll(async () => {
  env = await startConnectorSandbox();
  slack = createSlackActivities(env.http);
});
afterAll(async () => {
  await env?.sandbox.close();
});

test('posts a message by channel name; the stand-in records it under the channel id', async () => {
  const posted = await slack.postSlackMessage({ channel: '#sales', text: 'Deal won: *Big one*' });
  expect(posted.channel).toMatch(/^C\d+$/);
  expect(posted.ts).toMatch(/^\d+\.\d{6}$/);
  expect(env.sandbox.slack.messagesIn('#sales')).toEqual([
    expect.objectContaining({ channel: posted.channel, ts: posted.ts, text: 'Deal won: *Big one*' }),
  ]);
  const res = await fetch(`${env.sandbox.url}/_sandbox/slack/messages?channel=sales`);
  expect(await res.json()).toHaveLength(1);
});

test('ok:false errors are final (channel_not_found, invalid_auth) with Slack’s error code', async () => {
  await expect(slack.postSlackMessage({ channel: '#nope', text: 'hi' })).rejects.toMatchObject({
    type: 'ApiRequestError',
    nonRetryable: true,
    message: expect.stringContaining('channel_not_found'),
  });
  await expect(
    createSlackActivities(env.badHttp).postSlackMessage({ channel: '#sales', text: 'hi' }),
  ).rejects.toMatchObject({
    type: 'ApiRequestError',
    nonRetryable: true,
    message: expect.stringContaining('invalid_auth'),
  });
});

test('ratelimited is retryable after Retry-After; internal_error is retryable', async () => {
  env.sandbox.slack.failNext('ratelimited');
  await expect(slack.postSlackMessage({ channel: '#sales', text: 'x' })).rejects.toMatchObject({
    type: 'ApiRateLimitedError',
    nonRetryable: false,
    nextRetryDelay: 1000,
  });
  env.sandbox.slack.failNext('internal_error');
  await expect(slack.postSlackMessage({ channel: '#sales', text: 'x' })).rejects.toMatchObject({
    type: 'ApiUnavailableError',
    nonRetryable: false,
  });
  await expect(slack.postSlackMessage({ channel: '#sales', text: 'after' })).resolves.toMatchObject({
    ts: expect.any(String),
  });
});
