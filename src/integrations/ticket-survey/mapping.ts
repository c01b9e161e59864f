/**
 * ticket-survey field map: a solved Zendesk ticket and its requester → the Mandrill survey email.
 * Typed with zod at both ends; pure, so it runs inside the workflow and shows in GET /integrations.
 */
import { z } from 'zod';
import { firstZodIssue } from '../../systems/kit/zodIssue';
import { mandrillRecipientSchema } from '../../systems/mandrill/schemas';
import type { ZendeskTicket, ZendeskUser } from '../../systems/zendesk/schemas';
import { applyFieldMap, FieldMap } from '../kit/fieldMap';

/** What the map reads: the solved ticket and its requester, as Zendesk answers them. */
export interface SolvedTicket {
  ticket: Pick<ZendeskTicket, 'id' | 'subject'>;
  requester: Pick<ZendeskUser, 'name' | 'email'>;
}

export const surveyRecipientSchema = z.object({
  to: mandrillRecipientSchema.pick({ email: true, name: true }),
  merge: z.object({
    NAME: z.string().min(1),
    TICKET_ID: z.coerce.string(),
    TICKET_SUBJECT: z.string(),
  }),
});
export type SurveyRecipient = z.infer<typeof surveyRecipientSchema>;

export const ZENDESK_TICKET_TO_SURVEY_EMAIL: FieldMap = [
  { from: 'requester.email', to: 'to.email', transform: 'lowercase' },
  { from: 'requester.name', to: 'to.name', transform: 'trim' },
  { from: 'requester.name', to: 'merge.NAME', transform: 'trim', default: 'there' },
  { from: 'ticket.id', to: 'merge.TICKET_ID' },
  { from: 'ticket.subject', to: 'merge.TICKET_SUBJECT', transform: 'trim', default: 'your request' },
];

export interface SurveyEmailSettings {
  fromEmail: string;
  /** The survey page; the ticket id is appended as the last path segment. */
  surveyUrl: string;
}

/** The Mandrill `message` for the survey, or why the requester cannot get one (no usable email). */
export function mapSolvedTicketToSurveyEmail(source: SolvedTicket, settings: SurveyEmailSettings) {
  const parsed = surveyRecipientSchema.safeParse(applyFieldMap(ZENDESK_TICKET_TO_SURVEY_EMAIL, source));
  if (!parsed.success) return { ok: false as const, reason: firstZodIssue(parsed.error, 'recipient') };
  const { to, merge } = parsed.data;
  const surveyUrl = `${settings.surveyUrl.replace(/\/$/, '')}/${merge.TICKET_ID}`;
  return {
    ok: true as const,
    message: {
      from_email: settings.fromEmail,
      to: [{ email: to.email, ...(to.name ? { name: to.name } : {}), type: 'to' as const }],
      global_merge_vars: [
        ...Object.entries(merge).map(([name, content]) => ({ name, content })),
        { name: 'SURVEY_URL', content: surveyUrl },
      ],
      tags: ['csat-survey'],
      metadata: { zendesk_ticket_id: merge.TICKET_ID },
    },
  };
}
