/** Slack answers 200 with ok:false: which of those errors are worth a retry. */
import { slackFailure } from './api';

test.each([
  ['ratelimited', 'ApiRateLimitedError', false],
  ['internal_error', 'ApiUnavailableError', false],
  ['service_unavailable', 'ApiUnavailableError', false],
  ['channel_not_found', 'ApiRequestError', true],
  ['not_in_channel', 'ApiRequestError', true],
  ['invalid_auth', 'ApiRequestError', true],
  ['is_archived', 'ApiRequestError', true],
  ['msg_too_long', 'ApiRequestError', true],
])('%s → %s (nonRetryable %s), with Slack’s error code in the message', (error, type, nonRetryable) => {
  const failure = slackFailure('chat.postMessage', error);
  expect(failure).toMatchObject({ type, nonRetryable });
  // The HTTP layer words a rate limit as "rate limited"; every other error keeps Slack's own code.
  expect(failure.message.replace('rate limited', 'ratelimited')).toContain(error);
  expect(failure.message).toContain('POST /api/chat.postMessage');
});

test('a retry whose history read is refused for good (missing_scope) posts again, as before; a transient refusal is retried', async () => {
  const { MockActivityEnvironment } = await import('@temporalio/testing');
  const { HttpClient } = await import('../../http/client');
  const { loadConfig } = await import('../../config');
  const { createSlackActivities } = await import('./api');
  const config = loadConfig({ SWITCHBOARD_SANDBOX: 'true', LOG_LEVEL: 'silent' });
  const answer = (body: unknown) =>
    new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  let historyError = 'missing_scope';
  const calls: string[] = [];
  const fetchImpl: typeof fetch = async (url) => {
    const path = new URL(String(url)).pathname.replace(/^.*(?=\/api\/)/, '');
    calls.push(path);
    if (path.endsWith('/conversations.history')) return answer({ ok: false, error: historyError });
    return answer({ ok: true, channel: 'C0SALES', ts: '1.000100' });
  };
  const slack = createSlackActivities(new HttpClient({ systems: config.systems, fetchImpl }));
  const retry = new MockActivityEnvironment({ activityId: 'scope', attempt: 2 });
  await expect(retry.run(() => slack.postSlackMessage({ channel: 'C0SALES', text: 'x' }))).resolves.toEqual({
    channel: 'C0SALES',
    ts: '1.000100',
  });
  expect(calls).toEqual(['/api/conversations.history', '/api/chat.postMessage']);

  historyError = 'internal_error';
  calls.length = 0;
  await expect(
    retry.run(() => slack.postSlackMessage({ channel: 'C0SALES', text: 'x' })),
  ).rejects.toMatchObject({
    type: 'ApiUnavailableError',
    nonRetryable: false,
  });
  expect(calls).toEqual(['/api/conversations.history']);
});
