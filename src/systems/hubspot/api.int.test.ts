/** Contract: the HubSpot connector against its sandbox stand-in (paths, auth, paging, error shapes). */
import { createHubspotActivities } from './api';
import { useConnectorSandbox } from '../../../test/helpers/connectorSandbox';

const env = useConnectorSandbox();
const hubspot = env.activities(createHubspotActivities);

test('reads a contact with the requested properties, and null once it is deleted (archived)', async () => {
  env.sandbox.hubspot.upsertContact('501', { email: 'ada@example.com', firstname: 'Ada', secret_note: 'x' });
  const contact = await hubspot.getHubspotContact('501');
  expect(contact).toMatchObject({ id: '501', properties: { email: 'ada@example.com', firstname: 'Ada' } });
  expect(contact?.properties).not.toHaveProperty('secret_note');

  env.sandbox.hubspot.archiveContact('501');
  expect(await hubspot.getHubspotContact('501')).toBeNull();
  expect(await hubspot.getHubspotContact('501', { archived: true })).toMatchObject({
    archived: true,
    properties: { email: 'ada@example.com' },
  });
  const req = env.sandbox.recorders.hubspot.requests.find((r) => r.path === '/crm/v3/objects/contacts/501');
  expect(req).toMatchObject({ method: 'GET', authorized: true, query: { archived: 'false' } });
});

test('lists every contact through the `after` paging cursor, at most 100 per page', async () => {
  env.sandbox.hubspot.seedContacts(250, 'page');
  const seen = new Set<string>();
  let after: string | undefined;
  let pages = 0;
  do {
    const page = await hubspot.listHubspotContacts(after, 500);
    expect(page.results.length).toBeLessThanOrEqual(100);
    page.results.forEach((c) => seen.add(c.id));
    after = page.paging?.next?.after;
    pages++;
  } while (after);
  const expected = [...env.sandbox.hubspot.contacts.values()].filter((c) => !c.archived).length;
  expect(seen.size).toBe(expected);
  expect(pages).toBe(Math.ceil(expected / 100));
});

test('searches contacts by email (POST …/search) and updates one (PATCH)', async () => {
  env.sandbox.hubspot.upsertContact('777', { email: 'grace@example.com', firstname: 'Grace' });
  const found = await hubspot.searchHubspotContacts({
    filters: [{ propertyName: 'email', operator: 'EQ', value: 'GRACE@example.com' }],
  });
  expect(found.total).toBe(1);
  expect(found.results[0]).toMatchObject({ id: '777' });

  const updated = await hubspot.updateHubspotContact('777', { lastname: 'Hopper' });
  expect(updated?.properties).toMatchObject({ firstname: 'Grace', lastname: 'Hopper' });
  await expect(hubspot.updateHubspotContact('999999', { lastname: 'x' })).rejects.toMatchObject({
    type: 'ApiRequestError',
    nonRetryable: true,
    message: expect.stringContaining('404: resource not found'),
  });
});

test('reads a deal with stage, amount, close date and its associated contact; updates it', async () => {
  env.sandbox.hubspot.upsertContact('880', { email: 'buyer@example.com' });
  env.sandbox.hubspot.upsertDeal(
    '9001',
    { dealname: 'Big one', dealstage: 'closedwon', amount: '12500.50', closedate: '2025-01-31T00:00:00Z' },
    ['880'],
  );
  const deal = await hubspot.getHubspotDeal('9001');
  expect(deal).toMatchObject({
    id: '9001',
    properties: { dealname: 'Big one', dealstage: 'closedwon', amount: '12500.50', pipeline: 'default' },
    associations: { contacts: { results: [{ id: '880', type: 'deal_to_contact' }] } },
  });
  const marked = await hubspot.updateHubspotDeal('9001', { switchboard_invoice_status: 'failed' });
  expect(marked.properties.switchboard_invoice_status).toBe('failed');
  expect(await hubspot.getHubspotDeal('404404')).toBeNull();
});

test('a wrong token gets HubSpot 401 shape, classified as a non-retryable request error', async () => {
  await expect(createHubspotActivities(env.badHttp).getHubspotContact('777')).rejects.toMatchObject({
    type: 'ApiRequestError',
    nonRetryable: true,
    message: expect.stringContaining('401: Authentication credentials not found.'),
  });
});
