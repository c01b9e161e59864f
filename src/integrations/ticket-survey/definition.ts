import type { Config } from '../../config';
import { ZENDESK_TICKET_TO_SURVEY_EMAIL } from './mapping';
import {
  ticketReopenedSignal,
  ticketSolvedSignal,
  ticketSurvey,
  type TicketStatusEvent,
  type TicketSurveyInput,
} from './workflow';
import { defineIntegration, signalWith, type InboundEvent, type StartPlan } from '../kit/types';
import { zendeskTicketRefSchema } from '../../systems/zendesk/schemas';

export const ticketSurveyWorkflowId = (ticketId: string) => `ticket-survey/zendesk/ticket-${ticketId}`;

export function ticketSurveyInput(ticketId: string, config: Config): TicketSurveyInput {
  return {
    ticketId,
    delay: config.ticketSurvey.delay,
    templateName: config.ticketSurvey.mandrillTemplate,
    fromEmail: config.ticketSurvey.fromEmail,
    surveyUrl: config.ticketSurvey.surveyUrl,
  };
}

function ticketIdOf(event: InboundEvent): string {
  if (event.recordId) return event.recordId;
  const p = zendeskTicketRefSchema.parse(event.payload);
  return String('detail' in p ? p.detail.id : p.ticket.id);
}

export const ticketSurveyIntegration = defineIntegration({
  id: 'ticket-survey',
  title: 'Help desk solved tickets → satisfaction survey email',
  description:
    'When a Zendesk ticket is solved, a durable timer starts (TICKET_SURVEY_DELAY, 24 h by default); when ' +
    'it fires, the requester gets the satisfaction survey email through Mandrill (Mailchimp ' +
    'Transactional) and the ticket is tagged survey-sent. A ticket reopened before then gets no survey and ' +
    'is tagged survey-cancelled. The run keeps the requester’s id, never their email.',
  workflow: ticketSurvey,
  triggers: { webhooks: [{ source: 'zendesk', eventTypes: ['ticket.solved', 'ticket.reopened'] }] },
  from: { system: 'zendesk', records: 'tickets (solved) and their requesters' },
  to: [
    { system: 'mandrill', records: 'survey emails' },
    { system: 'zendesk', records: 'ticket tags' },
  ],
  direction: 'one-way',
  frequency: 'per ticket: the survey goes out TICKET_SURVEY_DELAY (default 24 h) after the ticket is solved',
  fieldMaps: { 'zendesk ticket + requester → mandrill survey email': ZENDESK_TICKET_TO_SURVEY_EMAIL },
  planFor(event, config): StartPlan<typeof ticketSurvey> {
    const ticketId = ticketIdOf(event);
    const solved = event.eventType === 'ticket.solved';
    const signal: TicketStatusEvent = { eventId: event.eventId };
    return {
      mode: 'signalWithStart',
      workflowId: ticketSurveyWorkflowId(ticketId),
      recordId: ticketId,
      args: [ticketSurveyInput(ticketId, config)],
      ...signalWith(solved ? ticketSolvedSignal : ticketReopenedSignal, signal),
      summary: solved
        ? `Survey the requester of Zendesk ticket ${ticketId} after ${String(config.ticketSurvey.delay)}`
        : `Zendesk ticket ${ticketId} reopened: cancel its survey`,
    };
  },
});
