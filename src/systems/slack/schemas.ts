/**
 * Slack's shapes, declared once: the Web API's chat.postMessage (https://api.slack.com/methods/chat.postMessage)
 * and the Events API envelopes (https://api.slack.com/apis/events-api). Pure zod: the webhook parser, the
 * connector and the stand-in all read them here.
 */
import { z } from 'zod';
import { boundedIdSchema } from '../kit/idSchemas';

/** The body of chat.postMessage, as far as Switchboard sends it. */
export const slackMessageSchema = z.object({
  /** A channel id (C0123…) or name (#sales). */
  channel: z.string(),
  text: z.string(),
  /** Block Kit blocks (https://docs.slack.dev/reference/block-kit/blocks): each has its `type`. */
  blocks: z.array(z.object({ type: z.string(), block_id: z.string().optional() }).loose()).optional(),
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

/**
 * Message metadata (https://api.slack.com/metadata/using): an `event_type` and a flat `event_payload`, posted
 * with chat.postMessage and read back by conversations.history with `include_all_metadata=true`.
 */
export const slackMessageMetadataSchema = z.object({
  event_type: z.string().min(1),
  event_payload: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type SlackMessageMetadata = z.infer<typeof slackMessageMetadataSchema>;

/** The body the connector really posts to chat.postMessage: the message plus, inside an activity, its metadata. */
export const slackPostBodySchema = slackMessageSchema.extend({
  metadata: slackMessageMetadataSchema.optional(),
});
export type SlackPostBody = z.infer<typeof slackPostBodySchema>;

/** conversations.history (https://api.slack.com/methods/conversations.history): newest first, paged by cursor. */
export const slackHistoryResponseSchema = slackResponseSchema.extend({
  messages: z
    .array(
      z
        .object({
          ts: z.string(),
          /** Only with include_all_metadata; a payload of another app may have any shape. */
          metadata: z
            .object({
              event_type: z.string().optional(),
              event_payload: z.record(z.string(), z.unknown()).optional(),
            })
            .loose()
            .optional(),
        })
        .loose(),
    )
    .optional(),
  has_more: z.boolean().optional(),
  response_metadata: z.object({ next_cursor: z.string().optional() }).loose().optional(),
});

/** conversations.list (https://api.slack.com/methods/conversations.list): to turn a channel name into its id. */
export const slackConversationsListResponseSchema = slackResponseSchema.extend({
  channels: z.array(z.object({ id: z.string(), name: z.string() }).loose()).optional(),
  response_metadata: z.object({ next_cursor: z.string().optional() }).loose().optional(),
});

/** Sent once, when the request URL is set up: answered with its challenge. */
export const slackUrlVerificationSchema = z
  .object({ type: z.literal('url_verification'), challenge: z.string().min(1) })
  .loose();

/** One event per envelope; its event_id (`Ev0PV52K21`) is the event's identity, so it is bounded. */
export const slackEventCallbackSchema = z
  .object({
    type: z.literal('event_callback'),
    event_id: boundedIdSchema('a Slack event id'),
    event_time: z.number(),
    team_id: z.string().optional(),
    event: z.object({ type: z.string().min(1) }).loose(),
  })
  .loose();

/**
 * Other envelope types (app_rate_limited) carry no event. The refusal aborts, so a malformed event_callback
 * is reported by its own schema (`event_id: …`) rather than as a union nobody matched.
 */
const slackOtherEnvelopeSchema = z
  .object({
    type: z.string().refine((t) => t !== 'url_verification' && t !== 'event_callback', {
      error: 'malformed envelope',
      abort: true,
    }),
  })
  .loose();

export const slackEnvelopeSchema = z.union([
  slackUrlVerificationSchema,
  slackEventCallbackSchema,
  slackOtherEnvelopeSchema,
]);
