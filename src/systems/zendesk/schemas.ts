/**
 * Zendesk's shapes, declared once: Support API v2 tickets, users and tags
 * (https://developer.zendesk.com/api-reference/ticketing/) and event webhooks. Pure zod: the webhook
 * parser, the connector, the ticket-survey mapping and definition, and the stand-in all read them here.
 */
import { z } from 'zod';
import { boundedIdSchema, eventIdSchema, isNumericId, numericIdSchema } from '../kit/idSchemas';

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

const isTicketEvent = (type: string) => /(^|:)ticket\./.test(type);

/**
 * An event webhook: `{id, type, time, subject, detail, event}`; a ticket event names its ticket in
 * detail.id, which names the workflow (`ticket-survey/zendesk/ticket-<id>`): digits only. Other events'
 * detail.id (users, organizations, articles: numeric too in Zendesk's API) is bounded all the same.
 */
export const zendeskEventSchema = z
  .object({
    id: eventIdSchema('a Zendesk event id'),
    type: z.string().min(1),
    time: z.string().optional(),
    detail: z
      .object({ id: z.union([z.number(), boundedIdSchema('a Zendesk record id')]) })
      .loose()
      .optional(),
  })
  .loose()
  .refine((e) => !isTicketEvent(e.type) || e.detail !== undefined, {
    message: 'a ticket event names its ticket in detail.id',
    path: ['detail'],
  })
  .refine((e) => !isTicketEvent(e.type) || e.detail === undefined || isNumericId(e.detail.id), {
    message: 'a Zendesk ticket id (a whole number, or 1–20 digits)',
    path: ['detail', 'id'],
  });

const zendeskTicketIdSchema = numericIdSchema('a Zendesk ticket id');

/** Where a webhook body names its ticket: `detail.id` (event webhooks) or `ticket.id` (trigger-built bodies). */
export const zendeskTicketRefSchema = z.union([
  z.object({ detail: z.object({ id: zendeskTicketIdSchema }) }),
  z.object({ ticket: z.object({ id: zendeskTicketIdSchema }) }),
]);
