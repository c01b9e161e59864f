/**
 * Mailchimp Transactional (Mandrill) shapes (https://mailchimp.com/developer/transactional/api/messages/),
 * declared once. Pure zod: the connector, the ticket-survey mapping (inside workflows) and the stand-in
 * all read them here.
 */
import { z } from 'zod';

export const mandrillRecipientSchema = z.object({
  email: z.email(),
  name: z.string().optional(),
  type: z.enum(['to', 'cc', 'bcc']).default('to'),
});

export const mandrillMergeVarSchema = z.object({ name: z.string(), content: z.unknown() });

/** The `message` of messages/send and messages/send-template. */
export const mandrillMessageSchema = z.object({
  subject: z.string().optional(),
  from_email: z.email().optional(),
  from_name: z.string().optional(),
  to: z.array(mandrillRecipientSchema).min(1),
  html: z.string().optional(),
  text: z.string().optional(),
  global_merge_vars: z.array(mandrillMergeVarSchema).optional(),
  tags: z.array(z.string()).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
});
export type MandrillMessage = z.input<typeof mandrillMessageSchema>;

/** One result per recipient. */
export const mandrillSendResultSchema = z.array(
  z
    .object({
      email: z.string(),
      status: z.enum(['sent', 'queued', 'scheduled', 'rejected', 'invalid']),
      reject_reason: z.string().nullish(),
      _id: z.string(),
    })
    .loose(),
);
export type MandrillSendResult = z.infer<typeof mandrillSendResultSchema>;

/** messages/search: the messages that match, as far as Switchboard reads them. */
export const mandrillSearchResultSchema = z.array(z.object({ _id: z.string(), email: z.string() }).loose());
