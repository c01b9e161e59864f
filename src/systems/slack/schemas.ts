/**
 * Slack's shapes, declared once: the Web API's chat.postMessage (https://api.slack.com/methods/chat.postMessage)
 * and the Events API envelopes (https://api.slack.com/apis/events-api). Pure zod: the webhook parser, the
 * connector and the stand-in all read them here.
 */
import { z } from 'zod';

/** The body of chat.postMessage, as far as Switchboard sends it. */
export const slackMessageSchema = z.object({
  /** A channel id (C0123…) or name (#sales). */
  channel: z.string(),
  text: z.string(),
  blocks: z.array(z.unknown()).optional(),
});
export type SlackMessage = z.infer<typeof slackMessageSchema>;

/** Every Web API answer: HTTP 200 with `ok`, and `error` when it is false. */
export const slackResponseSchema = z
  .object({
    ok: z.boolean(),
    error: z.string().optional(),
    channel: z.string().optional(),
    ts: z.string().optional(),
    warning: z.string().optional(),
  })
  .loose();

/** Sent once, when the request URL is set up: answered with its challenge. */
export const slackUrlVerificationSchema = z
  .object({ type: z.literal('url_verification'), challenge: z.string().min(1) })
  .loose();

/** One event per envelope. */
export const slackEventCallbackSchema = z
  .object({
    type: z.literal('event_callback'),
    event_id: z.string().min(1),
    event_time: z.number(),
    team_id: z.string().optional(),
    event: z.object({ type: z.string().min(1) }).loose(),
  })
  .loose();

/** Other envelope types (app_rate_limited) carry no event. */
const slackOtherEnvelopeSchema = z
  .object({
    type: z.string().refine((t) => t !== 'url_verification' && t !== 'event_callback', 'malformed envelope'),
  })
  .loose();

export const slackEnvelopeSchema = z.union([
  slackUrlVerificationSchema,
  slackEventCallbackSchema,
  slackOtherEnvelopeSchema,
]);
