/**
 * contact-sync beyond the happy path: ordering under a burst, deletions, privacy deletions, opt-outs,
 * email changes.
 */
import { subscriberHash } from '../../systems/mailchimp/api';
import type { ContactSyncResult } from './workflow';
import { recordHistory } from '../../../test/helpers/histories';
import { eventually, uniqueId, useStack } from '../../../test/helpers/stack';

const stack = useStack();

const listId = () => stack.config.contactSync.mailchimpListId;
const member = (email: string) => stack.sandbox.mailchimp.lists.get(listId())?.get(subscriberHash(email));
const handle = (id: string) => stack.client.workflow.getHandle(`contact-sync/hubspot/contact-${id}`);

test('a burst of updates to one contact ends with the newest values, never a stale overwrite', async () => {
  const id = uniqueId();
  const email = `burst.${id}@example.com`;
  stack.sandbox.hubspot.upsertContact(id, { email, firstname: 'v0', lastname: 'L0' });
  const replies = [];
  for (let v = 1; v <= 12; v++) {
    stack.sandbox.hubspot.upsertContact(id, { firstname: `v${v}`, lastname: `L${v}` });
    replies.push(
      stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.propertyChange', objectId: id }]),
    );
  }
  expect((await Promise.all(replies)).map((r) => r.status)).toEqual(Array(12).fill(202));

  const result = (await handle(id).result()) as ContactSyncResult;
  expect(result.eventsApplied).toBe(12);
  // Events that arrived while a sync was in flight were coalesced into the next one.
  expect(result.syncs).toBeLessThanOrEqual(12);
  expect(member(email)?.merge_fields).toMatchObject({ FNAME: 'v12', LNAME: 'L12' });
});

test('a deleted contact is archived in Mailchimp, also after its entity run has ended', async () => {
  const id = uniqueId();
  const email = `deleted.${id}@example.com`;
  stack.sandbox.hubspot.upsertContact(id, { email, firstname: 'Del' });
  await stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.creation', objectId: id }]);
  await handle(id).result(); // the run that knew the email is over: the next one must look it up
  expect(member(email)?.status).toBe('subscribed');

  const res = await fetch(`${stack.sandbox.url}/_sandbox/hubspot/contacts/${id}`, { method: 'DELETE' });
  expect(((await res.json()) as { webhook: { status: number } }).webhook.status).toBe(202);
  await eventually(
    () => (member(email)?.status === 'archived' ? true : undefined),
    20_000,
    'the member archived',
  );
  const result = (await handle(id).result()) as ContactSyncResult;
  expect(result.lastOutcome).toBe('contact deleted in HubSpot: member archived');
  // Deleting in HubSpot archives, not erases: the contact can come back (contact.restore) and resubscribe.
  const lookup = stack.sandbox.recorders.hubspot.requests.find(
    (r) => r.path === `/crm/v3/objects/contacts/${id}` && r.query.archived === 'true',
  );
  expect(lookup?.status).toBe(200);
});

test('a GDPR privacy deletion erases the member for good', async () => {
  const id = uniqueId();
  const email = `gdpr.${id}@example.com`;
  stack.sandbox.hubspot.upsertContact(id, { email, firstname: 'Private' });
  await stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.creation', objectId: id }]);
  await eventually(() => member(email), 20_000, 'the member');
  stack.sandbox.hubspot.contacts.delete(id); // HubSpot keeps nothing after a privacy deletion
  await stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.privacyDeletion', objectId: id }]);
  const result = (await handle(id).result()) as ContactSyncResult;
  expect(result.lastOutcome).toBe('privacy deletion: member permanently deleted');
  expect(member(email)).toBeUndefined();
});

test('a privacy deletion the run cannot carry out (email no longer known) alerts a person', async () => {
  // The alert receiver's URL is known once the sandbox listens; activities read it per call.
  stack.config.alerts.webhookUrl = stack.sandbox.alertWebhookUrl;
  const id = uniqueId(); // never synced: no run remembers its email, and HubSpot has erased it
  await stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.privacyDeletion', objectId: id }]);
  const result = (await handle(id).result()) as ContactSyncResult;
  expect(result.lastOutcome).toBe(
    'privacy deletion: email not known to this run; a person was alerted to erase the member',
  );
  const res = await fetch(`${stack.sandbox.url}/_sandbox/alerts/messages`);
  const alerts = (await res.json()) as { text: string }[];
  expect(
    alerts.filter((a) => a.text.includes(`GDPR privacy deletion of HubSpot contact ${id}`)),
  ).toHaveLength(1);
});

test('an opt-out unsubscribes the member, and a later sync never re-subscribes them', async () => {
  const id = uniqueId();
  const email = `optout.${id}@example.com`;
  stack.sandbox.hubspot.upsertContact(id, { email, firstname: 'Opt' });
  await stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.creation', objectId: id }]);
  await eventually(() => (member(email)?.status === 'subscribed' ? true : undefined), 20_000, 'subscribed');

  stack.sandbox.hubspot.upsertContact(id, { hs_email_optout: 'true' });
  await stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.propertyChange', objectId: id }]);
  await eventually(
    () => (member(email)?.status === 'unsubscribed' ? true : undefined),
    20_000,
    'unsubscribed',
  );

  stack.sandbox.hubspot.upsertContact(id, { hs_email_optout: 'false', firstname: 'Opt2' });
  await stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.propertyChange', objectId: id }]);
  await handle(id).result();
  expect(member(email)).toMatchObject({ status: 'unsubscribed', merge_fields: { FNAME: 'Opt2' } });
});

describe('an email changed in HubSpot', () => {
  /** Changes the contact's email in the HubSpot stand-in, which sends HubSpot's signed propertyChange. */
  async function changeEmail(id: string, email: string) {
    const res = await fetch(`${stack.sandbox.url}/_sandbox/hubspot/contacts/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ properties: { email } }),
    });
    expect(((await res.json()) as { webhook: { status: number } }).webhook.status).toBe(202);
  }

  async function syncedContact(prefix: string) {
    const id = uniqueId();
    const email = `${prefix}.${id}@example.com`;
    stack.sandbox.hubspot.upsertContact(id, { email, firstname: 'Ada' });
    await stack.sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.creation', objectId: id }]);
    const first = await eventually(
      () => (member(email)?.status === 'subscribed' ? member(email) : undefined),
      20_000,
      'the first member',
    );
    return { id, email, memberId: first.unique_email_id, newEmail: `${prefix}.new.${id}@example.com` };
  }

  test('while the contact’s run is open: the member’s email changes, no second member', async () => {
    const { id, email, memberId, newEmail } = await syncedContact('moved');
    await changeEmail(id, newEmail);

    const result = (await handle(id).result()) as ContactSyncResult;
    expect(result.lastOutcome).toMatch(/subscribed; email changed: the member moved to the new address$/);
    expect(member(email)).toBeUndefined();
    expect(member(newEmail)).toMatchObject({
      unique_email_id: memberId,
      email_address: newEmail,
      status: 'subscribed',
      merge_fields: { FNAME: 'Ada' },
    });
    const patch = stack.sandbox.recorders.mailchimp.requests.find(
      (r) => r.method === 'PATCH' && r.path.endsWith(subscriberHash(email)),
    );
    expect(patch?.status).toBe(200);
  });

  test('after the contact’s run has ended: the old address is found in HubSpot’s email history', async () => {
    const { id, email, memberId, newEmail } = await syncedContact('later');
    await handle(id).result(); // the run that knew the old address is over
    await changeEmail(id, newEmail);

    const result = (await handle(id).result()) as ContactSyncResult;
    expect(result.lastOutcome).toMatch(/email changed: the member moved to the new address$/);
    expect(member(email)).toBeUndefined();
    expect(member(newEmail)).toMatchObject({ unique_email_id: memberId, status: 'subscribed' });
    await recordHistory(
      stack.client,
      `contact-sync/hubspot/contact-${id}`,
      'contact-sync',
      'contact-sync.email-change',
    );
  });

  test('to an address that is already another member: the old member is archived and it is reported', async () => {
    const { id, email, newEmail } = await syncedContact('taken');
    const list = stack.sandbox.mailchimp.lists.get(listId())!;
    list.set(subscriberHash(newEmail), {
      ...member(email)!,
      id: subscriberHash(newEmail),
      email_address: newEmail,
      unique_email_id: 'other1234',
      merge_fields: { FNAME: 'Someone' },
    });
    await changeEmail(id, newEmail);

    const result = (await handle(id).result()) as ContactSyncResult;
    expect(result.lastOutcome).toMatch(
      /subscribed; the new email was already another member: the old member was archived$/,
    );
    expect(member(email)?.status).toBe('archived');
    expect(member(newEmail)).toMatchObject({
      unique_email_id: 'other1234',
      status: 'subscribed',
      merge_fields: { FNAME: 'Ada' },
    });
    expect(
      stack.sandbox.mailchimp
        .members(listId())
        .filter((m) => m.status === 'subscribed' && [email, newEmail].includes(m.email_address)),
    ).toHaveLength(1);
  });
});
