import { mapContactToMailchimpMember } from '../contact-sync/mapping';
import { applyFieldMap } from './fieldMap';

test('maps field names, nested targets, transforms and defaults', () => {
  const map = [
    { from: 'First Name', to: 'given_name', transform: 'trim' as const },
    { from: 'Email', to: 'contact.email', transform: 'lowercase' as const },
    { from: 'Age', to: 'age', transform: 'toNumber' as const },
    { from: 'Country', to: 'address.country', default: 'US' },
    { from: 'missing', to: 'left.out' },
  ];
  expect(applyFieldMap(map, { 'First Name': '  Ada ', Email: ' ADA@Example.com', Age: '36' })).toEqual({
    given_name: 'Ada',
    contact: { email: 'ada@example.com' },
    age: 36,
    address: { country: 'US' },
  });
});

test('HubSpot contact → Mailchimp member', () => {
  const result = mapContactToMailchimpMember({
    id: '1',
    properties: { email: 'Ada@Example.com', firstname: 'Ada', lastname: 'Lovelace', company: null },
  });
  expect(result).toEqual({
    ok: true,
    member: {
      email_address: 'ada@example.com',
      status_if_new: 'subscribed',
      merge_fields: { FNAME: 'Ada', LNAME: 'Lovelace' },
    },
  });
});

test('an opted-out contact becomes an unsubscribed member; no email is a reported skip', () => {
  const optedOut = mapContactToMailchimpMember({
    id: '1',
    properties: { email: 'a@b.co', hs_email_optout: 'true' },
  });
  expect(optedOut).toMatchObject({
    ok: true,
    member: { status: 'unsubscribed', status_if_new: 'unsubscribed' },
  });
  expect(mapContactToMailchimpMember({ id: '1', properties: { firstname: 'X' } })).toMatchObject({
    ok: false,
    reason: /email_address/,
  });
});
