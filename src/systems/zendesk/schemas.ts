/**
 * Zendesk's shapes, declared once: Support API v2 tickets, users and tags
 * (https://developer.zendesk.com/api-reference/ticketing/) and event webhooks. Pure zod: the webhook
 * parser, the connector, the ticket-survey mapping and definition, and the stand-in all read them here.
 */
import { z } from 'zod';

const numberOrString = z.union([z.string(), z.number()]);

export const zendeskTicketStatusSchema = z.enum(['new', 'open', 'pending', 'hold', 'solved', 'closed']);
export type ZendeskTicketStatus = z.infer<typeof zendeskTicketStatusSchema>;

export const zendeskTicketSchema = z
  .object({
    id: z.number().int(),
    subject: z.string().nullish(),
    status: zendeskTicketStatusSchema,
    requester_id: z.number().int(),
    tags: z.array(z.string()).default([]),
    updated_at: z.string().optional(),
  })
  .loose();
export type ZendeskTicket = z.infer<typeof zendeskTicketSchema>;

export const zendeskUserSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    email: z.string().nullish(),
    locale: z.string().optional(),
  })
  .loose();
export type ZendeskUser = z.infer<typeof zendeskUserSchema>;

/** The body of PUT /api/v2/tickets/{id}/tags.json, and its answer: the ticket's tags. */
export const zendeskTagsSchema = z.object({ tags: z.array(z.string()) });

/** Zendesk wraps every answer in the resource's name. */
export const zendeskResponses = {
  ticket: z.object({ ticket: zendeskTicketSchema }),
  user: z.object({ user: zendeskUserSchema }),
  tags: zendeskTagsSchema,
};

/** An event webhook: `{id, type, time, subject, detail, event}`; a ticket event names its ticket in detail.id. */
export const zendeskEventSchema = z
  .object({
    id: z.union([z.string().min(1), z.number()]),
    type: z.string().min(1),
    time: z.string().optional(),
    detail: z.object({ id: numberOrString }).loose().optional(),
  })
  .loose()
  .refine((e) => !/(^|:)ticket\./.test(e.type) || e.detail !== undefined, {
    message: 'a ticket event names its ticket in detail.id',
    path: ['detail'],
  });

/** Where a webhook body names its ticket: `detail.id` (event webhooks) or `ticket.id` (trigger-built bodies). */
export const zendeskTicketRefSchema = z.union([
  z.object({ detail: z.object({ id: numberOrString }) }),
  z.object({ ticket: z.object({ id: numberOrString }) }),
]);
