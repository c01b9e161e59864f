/**
 * Mailchimp Marketing API 3.0 shapes (https://mailchimp.com/developer/marketing/api/list-members/),
 * declared once. Pure zod: the connector, the contact-sync mapping (inside workflows) and the stand-in
 * all read them here.
 */
import { z } from 'zod';

const memberStatusSchema = z.enum(['subscribed', 'unsubscribed', 'pending', 'transactional']);

/** The body of PUT /3.0/lists/{list_id}/members/{subscriber_hash} (add or update a member). */
export const mailchimpMemberInputSchema = z.object({
  email_address: z.email(),
  status_if_new: memberStatusSchema,
  status: memberStatusSchema.optional(),
  merge_fields: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
});
export type MailchimpMemberInput = z.infer<typeof mailchimpMemberInputSchema>;

/** A list member as Mailchimp answers it. */
export const mailchimpMemberSchema = z.object({
  id: z.string(),
  email_address: z.string(),
  status: z.string(),
  merge_fields: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.object({ id: z.number(), name: z.string() })).optional(),
});
export type MailchimpMember = z.infer<typeof mailchimpMemberSchema>;

/** The body of POST …/members/{subscriber_hash}/tags: active adds a tag, inactive removes it. */
export const mailchimpMemberTagsSchema = z.object({
  tags: z.array(z.object({ name: z.string(), status: z.enum(['active', 'inactive']) })),
});
export type MailchimpTagUpdate = z.infer<typeof mailchimpMemberTagsSchema>['tags'][number];

/**
 * The answer of batch subscribe, POST /3.0/lists/{list_id}
 * (https://mailchimp.com/developer/marketing/api/lists/batch-subscribe-or-unsubscribe/): the members it
 * added and updated, and one error per member it refused.
 */
const batchMemberSchema = z.object({ email_address: z.string(), status: z.string() }).loose();
export const mailchimpBatchAnswerSchema = z.object({
  new_members: z.array(batchMemberSchema).default([]),
  updated_members: z.array(batchMemberSchema).default([]),
  errors: z
    .array(
      z.object({ email_address: z.string(), error: z.string(), error_code: z.string().optional() }).loose(),
    )
    .default([]),
  total_created: z.number(),
  total_updated: z.number(),
  error_count: z.number(),
});
