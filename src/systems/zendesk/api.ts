/**
 * Zendesk Support API v2 (https://developer.zendesk.com/api-reference/ticketing/): tickets, users, tags.
 * Basic auth as `{email}/token:{api_token}`; the base URL stands for `https://{subdomain}.zendesk.com`.
 */
import type { z } from 'zod';
import type { HttpClient } from '../../http/client';
import { numericId } from '../kit/ids';
import { ZendeskTicket, ZendeskUser, zendeskResponses } from './schemas';

export function createZendeskActivities(http: HttpClient) {
  /** A resource, or null when Zendesk no longer has it (deleted). */
  const readOne = <S extends z.ZodType>(path: string, schema: S) =>
    http.request('zendesk', { method: 'GET', path, schema, nullOn: [404] });

  return {
    /** The ticket as it is now, or null when it was deleted. */
    async getZendeskTicket(ticketId: string | number): Promise<ZendeskTicket | null> {
      const res = await readOne(
        `/api/v2/tickets/${numericId(ticketId, 'Zendesk')}.json`,
        zendeskResponses.ticket,
      );
      return res?.ticket ?? null;
    },

    async getZendeskUser(userId: string | number): Promise<ZendeskUser | null> {
      const res = await readOne(`/api/v2/users/${numericId(userId, 'Zendesk')}.json`, zendeskResponses.user);
      return res?.user ?? null;
    },

    /** Adds tags to the ticket (PUT …/tags adds, it does not replace): repeating it changes nothing. */
    async addZendeskTicketTags(ticketId: string | number, tags: string[]): Promise<string[]> {
      const res = await http.request('zendesk', {
        method: 'PUT',
        path: `/api/v2/tickets/${numericId(ticketId, 'Zendesk')}/tags.json`,
        json: { tags },
        schema: zendeskResponses.tags,
      });
      return res.tags;
    },
  };
}
