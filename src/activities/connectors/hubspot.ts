/** HubSpot CRM v3 (https://developers.hubspot.com/docs/api/crm/contacts): contacts. */
import { z } from 'zod';
import { HubspotContact, hubspotContactSchema } from '../../mapping/contactToMailchimp';
import type { HttpClient } from '../http/client';

export const CONTACT_PROPERTIES = [
  'email',
  'firstname',
  'lastname',
  'phone',
  'company',
  'address',
  'city',
  'state',
  'zip',
  'country',
  'hs_email_optout',
  'lastmodifieddate',
];

export function createHubspotActivities(http: HttpClient) {
  return {
    /** The contact as it is now, or null when HubSpot no longer has it (deleted/merged). */
    async getHubspotContact(contactId: string): Promise<HubspotContact | null> {
      return http.request('hubspot', {
        method: 'GET',
        path: `/crm/v3/objects/contacts/${encodeURIComponent(contactId)}`,
        query: { properties: CONTACT_PROPERTIES.join(','), archived: false },
        schema: hubspotContactSchema,
        nullOn: [404],
      });
    },
  };
}

export const hubspotErrorSchema = z.object({
  status: z.string(),
  message: z.string(),
  category: z.string().optional(),
});
