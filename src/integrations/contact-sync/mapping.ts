/** HubSpot contact → Mailchimp list member: the contact-sync field map, typed with zod at both ends. */
import type { HubspotContact } from '../../systems/hubspot/schemas';
import { firstZodIssue } from '../../systems/kit/zodIssue';
import { MailchimpMemberInput, mailchimpMemberInputSchema } from '../../systems/mailchimp/schemas';
import { applyFieldMap, FieldMap } from '../kit/fieldMap';

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
  if (!parsed.success) return { ok: false, reason: firstZodIssue(parsed.error, 'member') };
  return { ok: true, member: parsed.data };
}

/** How many earlier emails a sync looks for a member under: the newest few, not a contact's whole past. */
const EARLIER_EMAILS_TRIED = 3;

/**
 * The emails the contact had before its current one, newest first, normalised as members are keyed
 * (trimmed, lower case), from HubSpot's property history (`propertiesWithHistory.email`).
 */
export function previousEmailsOf(contact: HubspotContact): string[] {
  const current = contact.properties.email?.trim().toLowerCase();
  const seen = new Set<string>();
  for (const version of contact.propertiesWithHistory?.email ?? []) {
    const email = version.value?.trim().toLowerCase();
    if (email && email !== current) seen.add(email);
  }
  return [...seen].slice(0, EARLIER_EMAILS_TRIED);
}
