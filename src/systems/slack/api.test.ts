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
