/** Mailchimp Marketing API 3.0 (https://mailchimp.com/developer/marketing/api/list-members/): list members. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { MailchimpMemberInput } from '../../integrations/contact-sync/mapping';
import type { HttpClient } from '../../http/client';

export const mailchimpMemberSchema = z.object({
  id: z.string(),
  email_address: z.string(),
  status: z.string(),
  merge_fields: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.object({ id: z.number(), name: z.string() })).optional(),
});
export type MailchimpMember = z.infer<typeof mailchimpMemberSchema>;

/** Mailchimp answers 204 No Content to archive, delete and tag calls. */
const noContent = z.unknown();

/** Mailchimp addresses a member by the MD5 hash of the lower-cased email. */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

export function createMailchimpActivities(http: HttpClient) {
  const memberPath = (listId: string, email: string) =>
    `/3.0/lists/${encodeURIComponent(listId)}/members/${subscriberHash(email)}`;
  return {
    /** Add or update ("upsert") a list member: PUT is idempotent by subscriber hash. */
    async upsertMailchimpMember(listId: string, member: MailchimpMemberInput): Promise<MailchimpMember> {
      return http.request('mailchimp', {
        method: 'PUT',
        path: memberPath(listId, member.email_address),
        json: member,
        schema: mailchimpMemberSchema,
      });
    },

    async getMailchimpMember(listId: string, email: string): Promise<MailchimpMember | null> {
      return http.request('mailchimp', {
        method: 'GET',
        path: memberPath(listId, email),
        schema: mailchimpMemberSchema,
        nullOn: [404],
      });
    },

    /**
     * Archives the member (DELETE): Mailchimp's answer to "this contact is gone" — history and opt-out
     * status are kept, and a later upsert can bring them back. Already absent counts as done.
     */
    async archiveMailchimpMember(listId: string, email: string): Promise<{ archived: boolean }> {
      const res = await http.request('mailchimp', {
        method: 'DELETE',
        path: memberPath(listId, email),
        schema: noContent,
        nullOn: [404],
      });
      return { archived: res !== null };
    },

    /**
     * Erases the member for good (GDPR). Mailchimp then refuses to re-add the address by API, which is
     * the point: only for HubSpot's privacy deletions.
     */
    async deleteMailchimpMemberPermanently(listId: string, email: string): Promise<{ deleted: boolean }> {
      const res = await http.request('mailchimp', {
        method: 'POST',
        path: `${memberPath(listId, email)}/actions/delete-permanent`,
        schema: noContent,
        nullOn: [404],
      });
      return { deleted: res !== null };
    },

    /** Adds (active) or removes (inactive) tags; tags that do not exist yet are created by Mailchimp. */
    async setMailchimpMemberTags(
      listId: string,
      email: string,
      tags: { name: string; status: 'active' | 'inactive' }[],
    ): Promise<void> {
      await http.request('mailchimp', {
        method: 'POST',
        path: `${memberPath(listId, email)}/tags`,
        json: { tags },
        schema: noContent,
      });
    },
  };
}
