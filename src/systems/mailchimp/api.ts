/** Mailchimp Marketing API 3.0 (https://mailchimp.com/developer/marketing/api/list-members/): list members. */
import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { HttpClient } from '../../http/client';
import {
  mailchimpBatchAnswerSchema,
  MailchimpMember,
  MailchimpMemberInput,
  mailchimpMemberSchema,
  MailchimpTagUpdate,
} from './schemas';

/** One member the batch could not add or update, and Mailchimp's reason. */
export interface MailchimpBatchMemberError {
  email_address: string;
  error: string;
  error_code?: string;
}

/**
 * What a batch upsert did, kept small: it is the activity's result, so it lands in the workflow history.
 * The members themselves (Mailchimp echoes every one) are left out.
 */
export interface MailchimpBatchResult {
  created: number;
  updated: number;
  errors: MailchimpBatchMemberError[];
}

/** Mailchimp answers 204 No Content to archive, delete and tag calls. */
const noContent = z.unknown();

/** Mailchimp addresses a member by the MD5 hash of the lower-cased email. */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

/** What moving a member to a new email address did. */
export type MailchimpEmailChange =
  | { outcome: 'changed'; memberId: string }
  | { outcome: 'not_found' }
  | { outcome: 'new_email_taken' };

/** The API answered `status` (a 4xx the HTTP layer raised as a non-retryable ApiRequestError). */
function refusedWith(err: unknown, status: number): boolean {
  if (!(err instanceof ApplicationFailure) || err.type !== 'ApiRequestError') return false;
  return (err.details?.[0] as { status?: unknown } | undefined)?.status === status;
}

export function createMailchimpActivities(http: HttpClient) {
  const memberPath = (listId: string, email: string) =>
    `/3.0/lists/${encodeURIComponent(listId)}/members/${subscriberHash(email)}`;
  const getMember = (listId: string, email: string) =>
    http.request('mailchimp', {
      method: 'GET',
      path: memberPath(listId, email),
      schema: mailchimpMemberSchema,
      nullOn: [404],
    });
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

    /**
     * Adds or updates up to 500 members in one call (batch subscribe, `update_existing: true`). The call
     * succeeds as a whole even when Mailchimp refuses some members: those come back in `errors`, for the
     * caller to retry one by one. Batch subscribe has no `status_if_new`: a member is sent with its
     * `status` if it has one (an opt-out), else with `status_if_new`; Mailchimp never subscribes again a
     * member who unsubscribed or was cleaned (an error for that member, whose single PUT keeps the status).
     */
    async batchUpsertMailchimpMembers(
      listId: string,
      members: MailchimpMemberInput[],
    ): Promise<MailchimpBatchResult> {
      const answer = await http.request('mailchimp', {
        method: 'POST',
        path: `/3.0/lists/${encodeURIComponent(listId)}`,
        json: {
          members: members.map((m) => ({
            email_address: m.email_address,
            status: m.status ?? m.status_if_new,
            merge_fields: m.merge_fields,
          })),
          update_existing: true,
        },
        schema: mailchimpBatchAnswerSchema,
      });
      return {
        created: answer.total_created,
        updated: answer.total_updated,
        errors: answer.errors.map(({ email_address, error, error_code }) => ({
          email_address,
          error,
          ...(error_code ? { error_code } : {}),
        })),
      };
    },

    async getMailchimpMember(listId: string, email: string): Promise<MailchimpMember | null> {
      return getMember(listId, email);
    },

    /**
     * Moves the member at `fromEmail` to `toEmail` (PATCH with the new `email_address` on the old
     * subscriber hash): one member, its status, history and tags kept, instead of a second member at the
     * new address. `not_found` when nobody is at the old address; `new_email_taken` when Mailchimp refuses
     * because another member (archived ones too) already has the new address — checked by reading that
     * address, not by parsing the refusal.
     */
    async changeMailchimpMemberEmail(
      listId: string,
      fromEmail: string,
      toEmail: string,
    ): Promise<MailchimpEmailChange> {
      try {
        const member = await http.request('mailchimp', {
          method: 'PATCH',
          path: memberPath(listId, fromEmail),
          json: { email_address: toEmail },
          schema: mailchimpMemberSchema,
          nullOn: [404],
        });
        return member ? { outcome: 'changed', memberId: member.id } : { outcome: 'not_found' };
      } catch (err) {
        if (refusedWith(err, 400) && (await getMember(listId, toEmail)))
          return { outcome: 'new_email_taken' };
        throw err;
      }
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
    async setMailchimpMemberTags(listId: string, email: string, tags: MailchimpTagUpdate[]): Promise<void> {
      await http.request('mailchimp', {
        method: 'POST',
        path: `${memberPath(listId, email)}/tags`,
        json: { tags },
        schema: noContent,
      });
    },
  };
}
