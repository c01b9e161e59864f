/** HubSpot contact → Mailchimp list member: the contact-sync field map, typed with zod at both ends. */
import { z } from 'zod';
import { applyFieldMap, FieldMap } from '../kit/fieldMap';

export const hubspotContactSchema = z.object({
  id: z.string(),
  properties: z
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
    })
    .loose(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
  archived: z.boolean().optional(),
});
export type HubspotContact = z.infer<typeof hubspotContactSchema>;

export const mailchimpMemberInputSchema = z.object({
  email_address: z.email(),
  status_if_new: z.enum(['subscribed', 'unsubscribed', 'pending', 'transactional']),
  status: z.enum(['subscribed', 'unsubscribed', 'pending', 'transactional']).optional(),
  merge_fields: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
});
export type MailchimpMemberInput = z.infer<typeof mailchimpMemberInputSchema>;

export const CONTACT_TO_MAILCHIMP: FieldMap = [
  { from: 'properties.email', to: 'email_address', transform: 'lowercase' },
  { from: 'properties.firstname', to: 'merge_fields.FNAME', transform: 'trim' },
  { from: 'properties.lastname', to: 'merge_fields.LNAME', transform: 'trim' },
  { from: 'properties.phone', to: 'merge_fields.PHONE', transform: 'trim' },
  { from: 'properties.company', to: 'merge_fields.COMPANY', transform: 'trim' },
];

export type ContactMappingResult = { ok: true; member: MailchimpMemberInput } | { ok: false; reason: string };

/** A contact without a usable email cannot be a list member: reported, not retried. */
export function mapContactToMailchimpMember(contact: HubspotContact): ContactMappingResult {
  const mapped = applyFieldMap(CONTACT_TO_MAILCHIMP, contact);
  // An opted-out contact stays on the list as unsubscribed, the way Mailchimp expects opt-outs kept.
  const optedOut = contact.properties.hs_email_optout === 'true';
  const candidate = {
    ...mapped,
    status_if_new: optedOut ? 'unsubscribed' : 'subscribed',
    ...(optedOut ? { status: 'unsubscribed' } : {}),
  };
  const parsed = mailchimpMemberInputSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `${issue?.path.join('.') || 'member'}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, member: parsed.data };
}
