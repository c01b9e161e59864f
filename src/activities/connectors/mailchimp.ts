/** Mailchimp Marketing API 3.0 (https://mailchimp.com/developer/marketing/api/list-members/): list members. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { MailchimpMemberInput } from '../../mapping/contactToMailchimp';
import type { HttpClient } from '../http/client';

export const mailchimpMemberSchema = z.object({
  id: z.string(),
  email_address: z.string(),
  status: z.string(),
  merge_fields: z.record(z.string(), z.unknown()).optional(),
});
export type MailchimpMember = z.infer<typeof mailchimpMemberSchema>;

/** Mailchimp addresses a member by the MD5 hash of the lower-cased email. */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

export function createMailchimpActivities(http: HttpClient) {
  return {
    /** Add or update ("upsert") a list member: PUT is idempotent by subscriber hash. */
    async upsertMailchimpMember(listId: string, member: MailchimpMemberInput): Promise<MailchimpMember> {
      return http.request('mailchimp', {
        method: 'PUT',
        path: `/3.0/lists/${encodeURIComponent(listId)}/members/${subscriberHash(member.email_address)}`,
        json: member,
        schema: mailchimpMemberSchema,
      });
    },
  };
}
