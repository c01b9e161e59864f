/** Contract: the Slack connector against its sandbox stand-in (ok:false errors, 429 Retry-After). */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createSlackActivities, POST_EVENT_TYPE, POST_KEY_FIELD } from './api';
import { useConnectorSandbox } from '../../../test/helpers/connectorSandbox';

const env = useConnectorSandbox();
const slack = env.activities(createSlackActivities);

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

describe('a retried post (same activity, same key) posts once', () => {
  const message = (channel: string, text: string) => ({ channel, text });
  const slackPaths = () => env.sandbox.recorders.slack.requests.map((r) => r.path.split('?')[0]);

  test('attempt 1 posts with its key in the message metadata; attempt 2 finds that post and returns it', async () => {
    const first = await new MockActivityEnvironment({ activityId: 'retry-by-name' }).run(() =>
      slack.postSlackMessage(message('#deals', 'Posted once, by name')),
    );
    const [stored] = env.sandbox.slack.messagesIn('#deals').filter((m) => m.text === 'Posted once, by name');
    expect(stored.metadata).toEqual({
      event_type: POST_EVENT_TYPE,
      event_payload: { [POST_KEY_FIELD]: expect.stringMatching(/^[0-9a-f]{40}$/) },
    });

    const before = slackPaths().length;
    const retried = await new MockActivityEnvironment({ activityId: 'retry-by-name', attempt: 2 }).run(() =>
      slack.postSlackMessage(message('#deals', 'Posted once, by name')),
    );
    expect(retried).toEqual(first);
    expect(
      env.sandbox.slack.messagesIn('#deals').filter((m) => m.text === 'Posted once, by name'),
    ).toHaveLength(1);
    // The channel id was learned from attempt 1's answer: only the history is read.
    expect(slackPaths().slice(before)).toEqual(['/api/conversations.history']);
  });

  test('another worker retrying (no id learned) resolves the name with conversations.list', async () => {
    const first = await new MockActivityEnvironment({ activityId: 'retry-other-worker' }).run(() =>
      slack.postSlackMessage(message('#alerts', 'Posted once, other worker')),
    );
    const otherWorker = createSlackActivities(env.http);
    const before = slackPaths().length;
    const retried = await new MockActivityEnvironment({ activityId: 'retry-other-worker', attempt: 3 }).run(
      () => otherWorker.postSlackMessage(message('#alerts', 'Posted once, other worker')),
    );
    expect(retried).toEqual(first);
    expect(slackPaths().slice(before)).toEqual(['/api/conversations.list', '/api/conversations.history']);
    expect(
      env.sandbox.slack.messagesIn('#alerts').filter((m) => m.text === 'Posted once, other worker'),
    ).toHaveLength(1);
  });

  test('a channel given by id is searched directly; a retry whose first attempt never posted posts', async () => {
    const channelId = env.sandbox.slack.addChannel('retry-room');
    const retried = await new MockActivityEnvironment({ activityId: 'retry-never-posted', attempt: 2 }).run(
      () =>
        createSlackActivities(env.http).postSlackMessage(
          message(channelId, 'First attempt failed before posting'),
        ),
    );
    expect(retried).toEqual({ channel: channelId, ts: expect.any(String) });
    const again = await new MockActivityEnvironment({ activityId: 'retry-never-posted', attempt: 3 }).run(
      () =>
        createSlackActivities(env.http).postSlackMessage(
          message(channelId, 'First attempt failed before posting'),
        ),
    );
    expect(again).toEqual(retried);
    expect(env.sandbox.slack.messagesIn(channelId)).toHaveLength(1);
  });

  test('another activity (another key) is not mistaken for this one', async () => {
    await new MockActivityEnvironment({ activityId: 'first-of-two' }).run(() =>
      slack.postSlackMessage(message('#finance', 'Two posts')),
    );
    await new MockActivityEnvironment({ activityId: 'second-of-two', attempt: 2 }).run(() =>
      slack.postSlackMessage(message('#finance', 'Two posts')),
    );
    expect(env.sandbox.slack.messagesIn('#finance').filter((m) => m.text === 'Two posts')).toHaveLength(2);
  });
});
