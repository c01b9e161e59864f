/**
 * Mailchimp's published contract for what the connector writes: the request types of Mailchimp's official
 * Marketing SDK (`@types/mailchimp__mailchimp_marketing`, a devDependency used as types only, never as a
 * client). The check is at compile time (`npm run typecheck`): a body those types do not accept no longer
 * compiles. At run time, the bodies the connector really sends are read back through strict schemas.
 */
import type { Body, lists } from '@mailchimp/mailchimp_marketing';
import { z } from 'zod';
import { capturingHttp } from '../../../test/helpers/capturingHttp';
import { createMailchimpActivities } from './api';
import { type MailchimpMemberInput, mailchimpMemberInputSchema, mailchimpMemberTagsSchema } from './schemas';

/**
 * A batch member as the SDK's types describe it, but for two fields where they are narrower than
 * Mailchimp's reference: `email_type` is optional there (we never change a member's format) and merge
 * fields take each field's own type (a NUMBER field takes a number).
 */
type BatchMember = Omit<lists.BatchListMembersBodyMembersObject, 'email_type' | 'merge_fields'> &
  Pick<Body, 'merge_fields'>;
type BatchBody = Omit<lists.BatchListMembersBody, 'members'> & { members: BatchMember[] };

/** What the connector sends to batch subscribe (POST /3.0/lists/{list_id}), member by member. */
const batchBodySchema = z
  .object({
    members: z.array(
      z
        .object({
          email_address: z.email(),
          status: z.enum(['subscribed', 'unsubscribed', 'pending', 'transactional']),
          merge_fields: mailchimpMemberInputSchema.shape.merge_fields,
        })
        .strict(),
    ),
    update_existing: z.literal(true),
  })
  .strict();
const emailChangeSchema = z.object({ email_address: z.email() }).strict();

// Compile-time: every body our schemas allow is a body Mailchimp's SDK types accept.
const upsert: lists.SetListMemberBody = {} as MailchimpMemberInput;
const batch: BatchBody = {} as z.infer<typeof batchBodySchema>;
const emailChange: lists.UpdateListMemberBody = {} as z.infer<typeof emailChangeSchema>;
const tags: lists.MemberTagsBody = {} as z.infer<typeof mailchimpMemberTagsSchema>;
void [upsert, batch, emailChange, tags];

/** The bodies the connector sends, captured from a stand-in fetch that answers like Mailchimp. */
function capturingClient() {
  const { bodies, http } = capturingHttp((url) => {
    if (url.endsWith('/tags')) return { status: 204 };
    if (url.endsWith('/lists/list1'))
      return {
        json: {
          new_members: [],
          updated_members: [],
          errors: [],
          total_created: 0,
          total_updated: 0,
          error_count: 0,
        },
      };
    return { json: { id: 'h', email_address: 'ada@example.com', status: 'subscribed' } };
  });
  return { bodies, mailchimp: createMailchimpActivities(http) };
}

test('what the connector sends is what Mailchimp’s SDK types describe', async () => {
  const { bodies, mailchimp } = capturingClient();
  const member: MailchimpMemberInput = {
    email_address: 'ada@example.com',
    status_if_new: 'subscribed',
    merge_fields: { FNAME: 'Ada' },
  };
  const optedOut: MailchimpMemberInput = {
    ...member,
    email_address: 'bob@example.com',
    status: 'unsubscribed',
  };
  await mailchimp.upsertMailchimpMember('list1', member);
  await mailchimp.batchUpsertMailchimpMembers('list1', [member, optedOut]);
  await mailchimp.changeMailchimpMemberEmail('list1', 'ada@example.com', 'ada@new.example.com');
  await mailchimp.setMailchimpMemberTags('list1', 'ada@example.com', [{ name: 'vip', status: 'active' }]);

  const [put, batchPost, patch, tagPost] = bodies;
  expect(put).toMatchObject({ method: 'PUT', path: expect.stringMatching(/\/lists\/list1\/members\/\w+$/) });
  expect(mailchimpMemberInputSchema.strict().parse(put.body)).toEqual(put.body);
  expect(batchPost).toMatchObject({ method: 'POST', path: '/mailchimp/3.0/lists/list1' });
  expect(batchBodySchema.parse(batchPost.body)).toEqual(batchPost.body);
  // Batch subscribe has no status_if_new: an opt-out travels as its status, anyone else as status_if_new.
  expect(batchBodySchema.parse(batchPost.body).members.map((m) => m.status)).toEqual([
    'subscribed',
    'unsubscribed',
  ]);
  expect(patch.method).toBe('PATCH');
  expect(emailChangeSchema.parse(patch.body)).toEqual(patch.body);
  expect(tagPost.method).toBe('POST');
  expect(mailchimpMemberTagsSchema.strict().parse(tagPost.body)).toEqual(tagPost.body);
});
