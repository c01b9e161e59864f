/**
 * Zendesk Support API v2 (https://developer.zendesk.com/api-reference/ticketing/): tickets, users, tags.
 * Basic auth as `{email}/token:{api_token}`; the base URL stands for `https://{subdomain}.zendesk.com`.
 */
import { z } from 'zod';
import type { HttpClient } from '../../http/client';

export const zendeskTicketSchema = z
  .object({
    id: z.number().int(),
    subject: z.string().nullish(),
    status: z.enum(['new', 'open', 'pending', 'hold', 'solved', 'closed']),
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

function numericId(value: string | number): string {
  const s = String(value);
  if (!/^\d+$/.test(s)) throw new TypeError(`not a Zendesk id: ${s.slice(0, 40)}`);
  return s;
}

export function createZendeskActivities(http: HttpClient) {
  return {
    /** The ticket as it is now, or null when it was deleted. */
    async getZendeskTicket(ticketId: string | number): Promise<ZendeskTicket | null> {
      const res = await http.request('zendesk', {
        method: 'GET',
        path: `/api/v2/tickets/${numericId(ticketId)}.json`,
        schema: z.object({ ticket: zendeskTicketSchema }),
        nullOn: [404],
      });
      return res?.ticket ?? null;
    },

    async getZendeskUser(userId: string | number): Promise<ZendeskUser | null> {
      const res = await http.request('zendesk', {
        method: 'GET',
        path: `/api/v2/users/${numericId(userId)}.json`,
        schema: z.object({ user: zendeskUserSchema }),
        nullOn: [404],
      });
      return res?.user ?? null;
    },

    /** Adds tags to the ticket (PUT …/tags adds, it does not replace): repeating it changes nothing. */
    async addZendeskTicketTags(ticketId: string | number, tags: string[]): Promise<string[]> {
      const res = await http.request('zendesk', {
        method: 'PUT',
        path: `/api/v2/tickets/${numericId(ticketId)}/tags.json`,
        json: { tags },
        schema: z.object({ tags: z.array(z.string()) }),
      });
      return res.tags;
    },
  };
}
