/**
 * HubSpot CRM v3 (https://developers.hubspot.com/docs/api/crm/contacts, …/crm/deals): contacts (get, list
 * with the `after` paging cursor, search, update) and deals (get with the associated contacts, update).
 */
import type { z } from 'zod';
import type { HttpClient } from '../../http/client';
import {
  HubspotContact,
  hubspotContactPageSchema,
  hubspotContactPropertiesSchema,
  hubspotContactSchema,
  HubspotDeal,
  hubspotDealPropertiesSchema,
  hubspotDealSchema,
  HubspotFilter,
  HubspotSearchRequest,
  HubspotSearchResult,
  hubspotSearchResultSchema,
} from './schemas';

/** The properties read are the ones the schemas declare, in their order. */
export const CONTACT_PROPERTIES = Object.keys(hubspotContactPropertiesSchema.shape);
export const DEAL_PROPERTIES = Object.keys(hubspotDealPropertiesSchema.shape);

/** HubSpot caps list pages at 100 objects (search at 200). */
export const HUBSPOT_MAX_PAGE_SIZE = 100;

export interface HubspotContactSearch {
  /** All filters must match (one HubSpot filter group). */
  filters: HubspotFilter[];
  limit?: number;
  after?: string;
}

export function createHubspotActivities(http: HttpClient) {
  const contactPath = (id: string) => `/crm/v3/objects/contacts/${encodeURIComponent(id)}`;
  const dealPath = (id: string) => `/crm/v3/objects/deals/${encodeURIComponent(id)}`;
  /** Sets the given properties (PATCH); HubSpot answers the object as it is now. */
  const patchProperties = <S extends z.ZodType>(
    path: string,
    properties: Record<string, string>,
    schema: S,
  ) => http.request('hubspot', { method: 'PATCH', path, json: { properties }, schema });
  return {
    /**
     * The contact as it is now, or null when HubSpot no longer has it (deleted/merged). With
     * `archived: true` it reads a deleted (archived) contact instead, which HubSpot keeps for 90 days;
     * with `emailHistory: true` it also lists the emails the contact had (`propertiesWithHistory`).
     */
    async getHubspotContact(
      contactId: string,
      opts: { archived?: boolean; emailHistory?: boolean } = {},
    ): Promise<HubspotContact | null> {
      return http.request('hubspot', {
        method: 'GET',
        path: contactPath(contactId),
        query: {
          properties: CONTACT_PROPERTIES.join(','),
          archived: opts.archived ?? false,
          // The addresses the contact had before, newest first: where its list member may still be.
          ...(opts.emailHistory ? { propertiesWithHistory: 'email' } : {}),
        },
        schema: hubspotContactSchema,
        nullOn: [404],
      });
    },

    /** One page of every (non-archived) contact, in id order; `paging.next.after` is the next cursor. */
    async listHubspotContacts(after: string | undefined, limit = HUBSPOT_MAX_PAGE_SIZE) {
      return http.request('hubspot', {
        method: 'GET',
        path: '/crm/v3/objects/contacts',
        query: {
          limit: Math.min(limit, HUBSPOT_MAX_PAGE_SIZE),
          after,
          properties: CONTACT_PROPERTIES.join(','),
          archived: false,
        },
        schema: hubspotContactPageSchema,
      });
    },

    /** CRM search (POST …/search): a read, so no Idempotency-Key. */
    async searchHubspotContacts(search: HubspotContactSearch): Promise<HubspotSearchResult> {
      return http.request('hubspot', {
        method: 'POST',
        path: '/crm/v3/objects/contacts/search',
        json: {
          filterGroups: [{ filters: search.filters }],
          properties: CONTACT_PROPERTIES,
          limit: search.limit ?? HUBSPOT_MAX_PAGE_SIZE,
          ...(search.after ? { after: search.after } : {}),
        } satisfies HubspotSearchRequest,
        schema: hubspotSearchResultSchema,
        idempotencyKey: false,
      });
    },

    /**
     * Sets contact properties. With `unlessChangedSince` (the `updatedAt` the caller read), the contact is
     * read again first and nothing is written if it changed meanwhile (the answer is then null).
     */
    async updateHubspotContact(
      contactId: string,
      properties: Record<string, string>,
      unlessChangedSince?: string,
    ): Promise<HubspotContact | null> {
      if (unlessChangedSince !== undefined) {
        const current = await http.request('hubspot', {
          method: 'GET',
          path: contactPath(contactId),
          query: { properties: 'email', archived: false },
          schema: hubspotContactSchema,
          nullOn: [404],
        });
        if (current?.updatedAt !== unlessChangedSince) return null;
      }
      return patchProperties(contactPath(contactId), properties, hubspotContactSchema);
    },

    /** The deal with its pipeline stage, amount and close date, and the ids of its contacts. */
    async getHubspotDeal(dealId: string): Promise<HubspotDeal | null> {
      return http.request('hubspot', {
        method: 'GET',
        path: dealPath(dealId),
        query: { properties: DEAL_PROPERTIES.join(','), associations: 'contacts', archived: false },
        schema: hubspotDealSchema,
        nullOn: [404],
      });
    },

    /** Writes deal properties (custom ones such as switchboard_invoice_status must exist in the portal). */
    async updateHubspotDeal(dealId: string, properties: Record<string, string>) {
      return patchProperties(dealPath(dealId), properties, hubspotDealSchema);
    },
  };
}
