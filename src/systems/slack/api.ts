/**
 * Slack Web API (https://api.slack.com/methods/chat.postMessage): bot token as Bearer. Slack answers
 * HTTP 200 with `{ok:false, error}` for most failures, so those are classified here; a 429 with
 * Retry-After never gets this far (the HTTP layer turns it into a delayed retry).
 */
import { apiRateLimitedError, apiRequestError, apiUnavailableError } from '../../http/errors';
import type { HttpClient } from '../../http/client';
import { SlackMessage, slackResponseSchema } from './schemas';

/** Slack's own "try again later" errors; everything else (channel_not_found, invalid_auth…) is final. */
const TRANSIENT_SLACK_ERRORS = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

export interface PostedSlackMessage {
  channel: string;
  ts: string;
}

/** Turns an `ok:false` answer into the failure the retry policy understands. */
export function slackFailure(method: string, error: string) {
  const req = { system: 'slack', method: 'POST', path: `/api/${method}` };
  if (error === 'ratelimited') return apiRateLimitedError(req, 200, undefined);
  if (TRANSIENT_SLACK_ERRORS.has(error)) return apiUnavailableError(req, error, 200);
  return apiRequestError(req, 200, error);
}

export function createSlackActivities(http: HttpClient) {
  return {
    /**
     * Slack has no idempotency key for chat.postMessage: a retry after a lost answer can post twice. The
     * retry policy keeps that rare; an accidental duplicate chat line is the accepted cost.
     */
    async postSlackMessage(message: SlackMessage): Promise<PostedSlackMessage> {
      const res = await http.request('slack', {
        method: 'POST',
        path: '/api/chat.postMessage',
        json: { channel: message.channel, text: message.text, blocks: message.blocks },
        schema: slackResponseSchema,
        idempotencyKey: false,
      });
      if (!res.ok) throw slackFailure('chat.postMessage', res.error ?? 'unknown_error');
      return { channel: res.channel ?? message.channel, ts: res.ts ?? '' };
    },
  };
}
