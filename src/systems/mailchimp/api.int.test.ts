/** Contract: the Mailchimp connector against its sandbox stand-in. */
import { createMailchimpActivities, subscriberHash } from './api';
import { useConnectorSandbox } from '../../../test/helpers/connectorSandbox';

const env = useConnectorSandbox();
const mailchimp = env.activities(createMailchimpActivities);

const list = 'contract-list';
/** An upsert that subscribes the address if it is new. */
const subscriber = (email: string, mergeFields: Record<string, string> = {}) => ({
  email_address: email,
  status_if_new: 'subscribed' as const,
  merge_fields: mergeFields,
});

test('upserts a member by subscriber hash, reads it back, tags it', async () => {
  const member = await mailchimp.upsertMailchimpMember(list, subscriber('ada@example.com', { FNAME: 'Ada' }));
  expect(member).toMatchObject({ id: subscriberHash('ADA@example.com'), status: 'subscribed' });

  await mailchimp.setMailchimpMemberTags(list, 'ada@example.com', [
    { name: 'customer', status: 'active' },
    { name: 'lead', status: 'active' },
  ]);
  await mailchimp.setMailchimpMemberTags(list, 'ada@example.com', [{ name: 'lead', status: 'inactive' }]);
  const read = await mailchimp.getMailchimpMember(list, 'ada@example.com');
  expect(read?.tags?.map((t) => t.name)).toEqual(['customer']);
  const tagCall = env.sandbox.recorders.mailchimp.requests.find((r) => r.path.endsWith('/tags'));
  expect(tagCall).toMatchObject({ method: 'POST', status: 204 });
});

test('archive (DELETE) keeps the member as archived; a later upsert brings it back', async () => {
  await mailchimp.upsertMailchimpMember(list, subscriber('gone@example.com'));
  expect(await mailchimp.archiveMailchimpMember(list, 'gone@example.com')).toEqual({ archived: true });
  expect((await mailchimp.getMailchimpMember(list, 'gone@example.com'))?.status).toBe('archived');
  // Archiving again (or an address never on the list) is a 404 Mailchimp answers: counted as done.
  expect(await mailchimp.archiveMailchimpMember(list, 'gone@example.com')).toEqual({ archived: false });
  const back = await mailchimp.upsertMailchimpMember(list, subscriber('gone@example.com'));
  expect(back.status).toBe('subscribed');
});

test('an unsubscribed member stays unsubscribed when upserted with status_if_new only', async () => {
  await mailchimp.upsertMailchimpMember(list, {
    email_address: 'optout@example.com',
    status_if_new: 'unsubscribed',
    status: 'unsubscribed',
    merge_fields: {},
  });
  const again = await mailchimp.upsertMailchimpMember(list, subscriber('optout@example.com'));
  expect(again.status).toBe('unsubscribed');
});

test('permanent delete refuses a later re-import with Mailchimp’s problem body', async () => {
  await mailchimp.upsertMailchimpMember(list, subscriber('gdpr@example.com'));
  expect(await mailchimp.deleteMailchimpMemberPermanently(list, 'gdpr@example.com')).toEqual({
    deleted: true,
  });
  await expect(mailchimp.upsertMailchimpMember(list, subscriber('gdpr@example.com'))).rejects.toMatchObject({
    type: 'ApiRequestError',
    nonRetryable: true,
    message: expect.stringContaining('400: Forgotten Email Not Subscribed'),
  });
});

test('a wrong API key gets Mailchimp’s 401 problem, non-retryable', async () => {
  await expect(
    createMailchimpActivities(env.badHttp).getMailchimpMember(list, 'ada@example.com'),
  ).rejects.toMatchObject({
    type: 'ApiRequestError',
    nonRetryable: true,
    message: expect.stringContaining('401: API Key Invalid'),
  });
});

test('an email change moves the member (PATCH); an address another member has is refused, a missing one not found', async () => {
  const input = (email: string) => subscriber(email, { FNAME: 'Ada' });
  const before = await mailchimp.upsertMailchimpMember(list, input('old.address@example.com'));
  await expect(
    mailchimp.changeMailchimpMemberEmail(list, 'Old.Address@example.com', 'new.address@example.com'),
  ).resolves.toEqual({ outcome: 'changed', memberId: subscriberHash('new.address@example.com') });
  expect(await mailchimp.getMailchimpMember(list, 'old.address@example.com')).toBeNull();
  const moved = env.sandbox.mailchimp.lists.get(list)?.get(subscriberHash('new.address@example.com'));
  expect(moved).toMatchObject({ status: before.status, merge_fields: { FNAME: 'Ada' } });

  await mailchimp.upsertMailchimpMember(list, input('someone.else@example.com'));
  await expect(
    mailchimp.changeMailchimpMemberEmail(list, 'new.address@example.com', 'someone.else@example.com'),
  ).resolves.toEqual({ outcome: 'new_email_taken' });
  const refused = env.sandbox.recorders.mailchimp.requests.filter((r) => r.method === 'PATCH').at(-1);
  expect(refused?.status).toBe(400);

  await expect(
    mailchimp.changeMailchimpMemberEmail(list, 'nobody@example.com', 'fresh@example.com'),
  ).resolves.toEqual({ outcome: 'not_found' });
});

test('batch upsert (batch subscribe): new and existing members in one call, each refused member reported', async () => {
  const batchList = 'batch-contract-list';
  await mailchimp.upsertMailchimpMember(batchList, subscriber('existing@example.com', { FNAME: 'Old' }));
  const result = await mailchimp.batchUpsertMailchimpMembers(batchList, [
    { email_address: 'existing@example.com', status_if_new: 'subscribed', merge_fields: { FNAME: 'New' } },
    { email_address: 'fresh@example.com', status_if_new: 'subscribed', merge_fields: {} },
    { email_address: 'not-an-address', status_if_new: 'subscribed', merge_fields: {} },
  ]);
  expect(result).toEqual({
    created: 1,
    updated: 1,
    errors: [
      {
        email_address: 'not-an-address',
        error: 'Please provide a valid email address.',
        error_code: 'ERROR_GENERIC',
      },
    ],
  });
  expect((await mailchimp.getMailchimpMember(batchList, 'existing@example.com'))?.merge_fields).toMatchObject(
    {
      FNAME: 'New',
    },
  );
  const call = env.sandbox.recorders.mailchimp.requests.filter((r) => r.method === 'POST').at(-1);
  expect(call).toMatchObject({ path: `/3.0/lists/${batchList}`, status: 200 });
  expect(call?.body).toMatchObject({ update_existing: true, members: [{ status: 'subscribed' }, {}, {}] });
});
