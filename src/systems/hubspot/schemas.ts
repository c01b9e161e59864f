/**
 * HubSpot's shapes, declared once: webhook events (https://developers.hubspot.com/docs/api/webhooks) and
 * CRM v3 contacts and deals (https://developers.hubspot.com/docs/api/crm/contacts, …/crm/deals). Pure zod:
 * the webhook parser, the connector, the mappings (inside workflows) and the stand-in all read them here.
 */
import { z } from 'zod';
import { eventIdSchema, numericIdSchema } from '../kit/idSchemas';

const numberOrString = z.union([z.number(), z.string()]);

/** One event of a webhook batch. `objectId` names the workflow (`contact-sync/hubspot/contact-<id>`): digits only. */
export const hubspotEventSchema = z
  .object({
    eventId: eventIdSchema('a HubSpot event id'),
    subscriptionId: numberOrString.optional(),
    portalId: numberOrString.optional(),
    occurredAt: z.number(),
    subscriptionType: z.string().min(1),
    attemptNumber: z.number().optional(),
    objectId: numericIdSchema('a HubSpot object id'),
    propertyName: z.string().optional(),
    propertyValue: z.unknown().optional(),
    changeSource: z.string().optional(),
  })
  .loose();
export type HubspotEvent = z.output<typeof hubspotEventSchema>;

/** A webhook request: a JSON array of events. */
export const hubspotWebhookBodySchema = z
  .array(hubspotEventSchema)
  .min(1, 'a HubSpot webhook carries at least one event')
  .max(1000);

/** The contact properties Switchboard reads; the connector asks for exactly these (`properties=`). */
export const hubspotContactPropertiesSchema = z
  .object({
    email: z.string().nullish(),
    firstname: z.string().nullish(),
    lastname: z.string().nullish(),
    phone: z.string().nullish(),
    company: z.string().nullish(),
    address: z.string().nullish(),
    city: z.string().nullish(),
    state: z.string().nullish(),
    zip: z.string().nullish(),
    country: z.string().nullish(),
    hs_email_optout: z.string().nullish(),
    lastmodifieddate: z.string().nullish(),
    /** Custom property (create it in the portal): address-propagation's marker on its own writes. */
    switchboard_address_origin: z.string().nullish(),
  })
  .loose();

/** A CRM v3 object (contact, deal…): its id, the properties asked for, and HubSpot's bookkeeping. */
const hubspotObjectSchema = <P extends z.ZodType>(properties: P) =>
  z.object({
    id: z.string(),
    properties,
    createdAt: z.string().optional(),
    updatedAt: z.string().optional(),
    archived: z.boolean().optional(),
  });

/** One value a property had, newest first (`propertiesWithHistory=<name>` on a read). */
export const hubspotPropertyVersionSchema = z
  .object({
    value: z.string().nullish(),
    timestamp: z.string().optional(),
    sourceType: z.string().optional(),
  })
  .loose();

export const hubspotContactSchema = hubspotObjectSchema(hubspotContactPropertiesSchema).extend({
  propertiesWithHistory: z.record(z.string(), z.array(hubspotPropertyVersionSchema)).optional(),
});
export type HubspotContact = z.infer<typeof hubspotContactSchema>;

/** The deal properties Switchboard reads; the connector asks for exactly these (`properties=`). */
export const hubspotDealPropertiesSchema = z
  .object({
    dealname: z.string().nullish(),
    dealstage: z.string().nullish(),
    pipeline: z.string().nullish(),
    amount: z.string().nullish(),
    closedate: z.string().nullish(),
    deal_currency_code: z.string().nullish(),
    switchboard_invoice_status: z.string().nullish(),
    switchboard_invoice_id: z.string().nullish(),
    /** The win deal-won last acted on (ISO time): a later win is a deal won again. */
    switchboard_won_at: z.string().nullish(),
  })
  .loose();

/** A deal, with the ids of its contacts when `associations=contacts` is asked for. */
export const hubspotDealSchema = hubspotObjectSchema(hubspotDealPropertiesSchema).extend({
  associations: z
    .object({
      contacts: z
        .object({ results: z.array(z.object({ id: z.string(), type: z.string().optional() })) })
        .optional(),
    })
    .loose()
    .optional(),
});
export type HubspotDeal = z.infer<typeof hubspotDealSchema>;

export const hubspotPagingSchema = z
  .object({ next: z.object({ after: z.string(), link: z.string().optional() }).optional() })
  .optional();

export const hubspotContactPageSchema = z.object({
  results: z.array(hubspotContactSchema),
  paging: hubspotPagingSchema,
});
export type HubspotContactPage = z.infer<typeof hubspotContactPageSchema>;

export const hubspotSearchResultSchema = hubspotContactPageSchema.extend({ total: z.number() });
export type HubspotSearchResult = z.infer<typeof hubspotSearchResultSchema>;

export const hubspotFilterSchema = z.object({
  propertyName: z.string(),
  operator: z.enum(['EQ', 'NEQ', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'GT', 'LT']),
  value: z.string().optional(),
});
export type HubspotFilter = z.infer<typeof hubspotFilterSchema>;

/** The body of POST /crm/v3/objects/contacts/search: any filter group matches, all filters of a group. */
export const hubspotSearchRequestSchema = z.object({
  filterGroups: z.array(z.object({ filters: z.array(hubspotFilterSchema) })),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().optional(),
  after: z.string().optional(),
});
export type HubspotSearchRequest = z.infer<typeof hubspotSearchRequestSchema>;

/** HubSpot's error body. */
export const hubspotErrorSchema = z.object({
  status: z.string(),
  message: z.string(),
  correlationId: z.string().optional(),
  category: z.string().optional(),
});
export type HubspotError = z.infer<typeof hubspotErrorSchema>;
