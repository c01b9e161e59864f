/**
 * HubSpot's own published contract for what the connector writes: the request models of HubSpot's
 * official SDK (`@hubspot/api-client`, a devDependency used here as types only, never as a client). The
 * check is at compile time (`npm run typecheck`): a body shape HubSpot's models do not accept no longer
 * compiles. At run time, the bodies the connector really sends are read back through the same schemas.
 */
import type {
  PublicObjectSearchRequest,
  SimplePublicObjectInput as ContactInput,
} from '@hubspot/api-client/lib/codegen/crm/contacts';
import type { SimplePublicObjectInput as DealInput } from '@hubspot/api-client/lib/codegen/crm/deals';
import { z } from 'zod';
import { capturingHttp } from '../../../test/helpers/capturingHttp';
import { createHubspotActivities } from './api';
import { type HubspotSearchRequest, hubspotSearchRequestSchema } from './schemas';

/** The SDK's models as JSON: its enums (FilterOperatorEnum…) are their string values on the wire. */
type Wire<T> = T extends string
  ? `${T}`
  : T extends readonly (infer U)[]
    ? Wire<U>[]
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** Writes: `PATCH /crm/v3/objects/{contacts|deals}/{id}` with `{ properties }`. */
const propertiesBodySchema = z.object({ properties: z.record(z.string(), z.string()) }).strict();
type PropertiesBody = z.infer<typeof propertiesBodySchema>;

// Compile-time: every body our schemas allow is a body HubSpot's SDK would send.
const search = {
  filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'ada@example.com' }] }],
  properties: ['email', 'firstname'],
  limit: 100,
  after: '200',
} satisfies HubspotSearchRequest satisfies Wire<PublicObjectSearchRequest>;
const searchType: Wire<PublicObjectSearchRequest> = {} as HubspotSearchRequest;
const contactWrite: Wire<ContactInput> = {} as PropertiesBody;
const dealWrite: Wire<DealInput> = {} as PropertiesBody;
void [searchType, contactWrite, dealWrite];

/** The bodies the connector sends, captured from a stand-in fetch. */
function capturingClient() {
  const { bodies, http } = capturingHttp((url) => ({
    json: url.includes('/search')
      ? { total: 0, results: [] }
      : { id: '1', properties: {}, createdAt: '2025-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00Z' },
  }));
  return { bodies, hubspot: createHubspotActivities(http) };
}

test('what the connector sends is what HubSpot’s SDK models describe', async () => {
  const { bodies, hubspot } = capturingClient();
  await hubspot.searchHubspotContacts({ filters: search.filterGroups[0].filters, limit: 10, after: '20' });
  await hubspot.updateHubspotContact('1', { email: 'ada@example.com' });
  await hubspot.updateHubspotDeal('2', { switchboard_invoice_status: 'invoiced' });

  const [searched, contact, deal] = bodies;
  expect(searched.path).toMatch(/\/crm\/v3\/objects\/contacts\/search$/);
  expect(hubspotSearchRequestSchema.strict().parse(searched.body)).toEqual(searched.body);
  for (const write of [contact, deal]) {
    expect(write.method).toBe('PATCH');
    expect(propertiesBodySchema.parse(write.body)).toEqual(write.body);
  }
});
