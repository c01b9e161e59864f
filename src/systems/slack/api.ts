/**
 * Slack Web API (https://api.slack.com/methods/chat.postMessage): bot token as Bearer. Slack answers
 * HTTP 200 with `{ok:false, error}` for most failures, so those are classified here; a 429 with
 * Retry-After never gets this far (the HTTP layer turns it into a delayed retry).
 */
import { Context } from '@temporalio/activity';
import { apiRateLimitedError, apiRequestError, apiUnavailableError } from '../../http/errors';
import { defaultIdempotencyKey, type HttpClient } from '../../http/client';
import {
  SlackMessage,
  SlackPostBody,
  slackConversationsListResponseSchema,
  slackHistoryResponseSchema,
  slackResponseSchema,
} from './schemas';

/** Slack's own "try again later" errors; everything else (channel_not_found, invalid_auth…) is final. */
const TRANSIENT_SLACK_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** The metadata a post carries (https://api.slack.com/metadata/using): its event type, and the field with its key. */
export const POST_EVENT_TYPE = 'switchboard_post';
export const POST_KEY_FIELD = 'switchboard_post_id';

/** A conversation id (public C…, private G…, direct D…) rather than a name: conversations.history needs one. */
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,}$/;
/** How far a retry looks: at most this many pages of this many messages, newest first. */
const HISTORY_PAGE_SIZE = 200;
const HISTORY_PAGES = 5;
/** conversations.list pages read to turn a channel name into its id. */
const LIST_PAGE_SIZE = 1000;
const LIST_PAGES = 10;
/** Clock skew allowed between the Temporal server (the schedule time) and Slack (message ts). */
const SKEW_SECONDS = 300;

export interface PostedSlackMessage {
  channel: string;
  ts: string;
}

/** Turns an `ok:false` answer into the failure the retry policy understands. */
export function slackFailure(method: string, error: string, httpMethod = 'POST') {
  const req = { system: 'slack', method: httpMethod, path: `/api/${method}` };
  if (error === 'ratelimited') return apiRateLimitedError(req, 200, undefined);
  if (TRANSIENT_SLACK_ERRORS.has(error)) return apiUnavailableError(req, error, 200);
  return apiRequestError(req, 200, error);
}

function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // called outside an activity (unit tests, scripts)
  }
}

export function createSlackActivities(http: HttpClient) {
  /** Channel name → id, learned from this worker's own posts: a retry on the same worker needs no lookup. */
  const channelIds = new Map<string, string>();
  const nameOf = (channel: string) => channel.replace(/^#/, '');

  /** The channel's id: given, learned from an earlier answer, or looked up by name (needs channels:read). */
  async function channelIdOf(channel: string): Promise<string | undefined> {
    if (CHANNEL_ID.test(channel)) return channel;
    const name = nameOf(channel);
    const known = channelIds.get(name);
    if (known) return known;
    let cursor: string | undefined;
    for (let page = 0; page < LIST_PAGES; page++) {
      const res = await http.request('slack', {
        method: 'GET',
        path: '/api/conversations.list',
        query: {
          types: 'public_channel,private_channel',
          exclude_archived: true,
          limit: LIST_PAGE_SIZE,
          cursor,
        },
        schema: slackConversationsListResponseSchema,
      });
      if (!res.ok) throw slackFailure('conversations.list', res.error ?? 'unknown_error', 'GET');
      const found = res.channels?.find((c) => c.name === name);
      if (found) {
        channelIds.set(name, found.id);
        return found.id;
      }
      cursor = res.response_metadata?.next_cursor || undefined;
      if (!cursor) break;
    }
    return undefined;
  }

  /** The message an earlier attempt posted with this key, looked for in the channel's history since the call was scheduled. */
  async function earlierPost(
    channelId: string,
    key: string,
    since: number,
  ): Promise<PostedSlackMessage | undefined> {
    let cursor: string | undefined;
    for (let page = 0; page < HISTORY_PAGES; page++) {
      const res = await http.request('slack', {
        method: 'GET',
        path: '/api/conversations.history',
        query: {
          channel: channelId,
          include_all_metadata: true,
          oldest: since.toFixed(6),
          limit: HISTORY_PAGE_SIZE,
          cursor,
        },
        schema: slackHistoryResponseSchema,
      });
      if (!res.ok) throw slackFailure('conversations.history', res.error ?? 'unknown_error', 'GET');
      const found = res.messages?.find(
        (m) =>
          m.metadata?.event_type === POST_EVENT_TYPE && m.metadata.event_payload?.[POST_KEY_FIELD] === key,
      );
      if (found) return { channel: channelId, ts: found.ts };
      cursor = res.has_more ? res.response_metadata?.next_cursor || undefined : undefined;
      if (!cursor) break;
    }
    return undefined;
  }

  /**
   * Slack has no Idempotency-Key for chat.postMessage, and an attempt whose completion was lost (the
   * Temporal server down) did post: each post carries the call's key in its message metadata, and a
   * retry (attempt > 1) first looks for that key in the channel's recent history.
   *
   * Limits: a channel given by name needs its id — learned from this worker's earlier answer or looked up
   * with conversations.list (scope channels:read/groups:read); the history read needs channels:history
   * (groups:history for private channels). When either is refused for good (missing_scope, not_in_channel…)
   * the retry posts as before, at least once, with a warning; a transient refusal is retried. Only the last
   * HISTORY_PAGES × HISTORY_PAGE_SIZE messages since the call was first scheduled are searched.
   */
  async function onceOnly(
    message: SlackMessage,
  ): Promise<{ body: SlackPostBody; earlier?: PostedSlackMessage }> {
    const body: SlackPostBody = { channel: message.channel, text: message.text, blocks: message.blocks };
    const key = defaultIdempotencyKey();
    if (!key) return { body };
    body.metadata = { event_type: POST_EVENT_TYPE, event_payload: { [POST_KEY_FIELD]: key } };
    const ctx = activityContext();
    if (!ctx || ctx.info.attempt <= 1) return { body };
    const since = Math.max(0, ctx.info.scheduledTimestampMs / 1000 - SKEW_SECONDS);
    try {
      const channelId = await channelIdOf(message.channel);
      if (!channelId) {
        ctx.log.warn('slack: channel id unknown, a retried post cannot be checked for an earlier one', {
          channel: message.channel,
        });
        return { body };
      }
      return { body, earlier: await earlierPost(channelId, key, since) };
    } catch (err) {
      const final = (err as { nonRetryable?: boolean }).nonRetryable === true;
      if (!final) throw err;
      ctx.log.warn('slack: could not look for an earlier post of this call, posting again', {
        channel: message.channel,
        reason: (err as Error).message,
      });
      return { body };
    }
  }

  return {
    /** Posts once per activity call: a retry returns the message an earlier attempt posted, if it finds it. */
    async postSlackMessage(message: SlackMessage): Promise<PostedSlackMessage> {
      const { body, earlier } = await onceOnly(message);
      if (earlier) return earlier;
      const res = await http.request('slack', {
        method: 'POST',
        path: '/api/chat.postMessage',
        json: body,
        schema: slackResponseSchema,
        idempotencyKey: false,
      });
      if (!res.ok) throw slackFailure('chat.postMessage', res.error ?? 'unknown_error');
      if (res.channel && !CHANNEL_ID.test(message.channel))
        channelIds.set(nameOf(message.channel), res.channel);
      return { channel: res.channel ?? message.channel, ts: res.ts ?? '' };
    },
  };
}
