/**
 * ticket-survey: Zendesk ticket solved → (durable timer) → satisfaction survey email via Mandrill.
 *
 * One run per ticket (`ticket-survey/zendesk/ticket-<id>`), fed by signalWithStart: `solved` starts the
 * wait (TICKET_SURVEY_DELAY, 24 h by default — a server-side timer, nothing runs meanwhile), `reopened`
 * before it fires cancels the survey. When it fires, the ticket is read again (a reopen whose webhook was
 * lost still cancels), the requester gets the survey, and the ticket is tagged `survey-sent` so a
 * redelivered `ticket.solved` never sends a second one; a survey a reopen cancelled tags it
 * `survey-cancelled`. The result names the requester by id only: no email outlives the run's history.
 */
import type { Duration } from '@temporalio/common';
import { condition, defineSignal, patched, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../../systems/activities';
import { mapSolvedTicketToSurveyEmail } from './mapping';
import { activityOptionsFor } from '../../systems/index';
import { alertOnFailure } from '../kit/failureAlert';
import { trackProgress } from '../kit/progress';

export interface TicketSurveyInput {
  ticketId: string;
  /** Time between solved and the survey, e.g. "24h". */
  delay: Duration;
  templateName: string;
  fromEmail: string;
  surveyUrl: string;
}

export interface TicketStatusEvent {
  eventId: string;
}

export interface TicketSurveyResult {
  ticketId: string;
  outcome: 'sent' | 'cancelled' | 'skipped' | 'rejected';
  surveysCancelled: number;
  /** The Zendesk user who got the survey: an id, never their email (results are kept and shown). */
  requesterId?: number;
  detail?: string;
}

/** Marks a ticket whose requester got the survey. */
export const SURVEY_SENT_TAG = 'survey-sent';
/** Marks a ticket whose survey a reopen cancelled. */
export const SURVEY_CANCELLED_TAG = 'survey-cancelled';
/** What SURVEY_SENT_TAG was before: tickets tagged so got their survey too. */
const LEGACY_SURVEY_SENT_TAG = 'csat_survey_sent';

export const ticketSolvedSignal = defineSignal<[TicketStatusEvent]>('solved');
export const ticketReopenedSignal = defineSignal<[TicketStatusEvent]>('reopened');

const zendesk = proxyActivities<
  Pick<Activities, 'getZendeskTicket' | 'getZendeskUser' | 'addZendeskTicketTags'>
>(activityOptionsFor('zendesk'));
const mandrill = proxyActivities<Pick<Activities, 'sendMandrillTemplate'>>(activityOptionsFor('mandrill'));

export async function ticketSurvey(input: TicketSurveyInput): Promise<TicketSurveyResult> {
  const result: TicketSurveyResult = { ticketId: input.ticketId, outcome: 'skipped', surveysCancelled: 0 };
  const progress = trackProgress('ticket-survey', result as unknown as Record<string, unknown>);
  /** The ticket's state as the webhooks told it, in arrival order. */
  let solved = false;
  setHandler(ticketSolvedSignal, () => void (solved = true));
  // A reopen cancels a pending survey, counted here: solved and reopened may both arrive before the run
  // first wakes up, and that is a cancelled survey too, not a ticket that was never solved.
  setHandler(ticketReopenedSignal, () => {
    if (solved) {
      result.surveysCancelled++;
      result.outcome = 'cancelled';
      result.detail = 'the ticket was reopened before the survey was due';
      progress.step('survey cancelled: ticket reopened');
    }
    solved = false;
  });

  return alertOnFailure(progress, input.ticketId, async () => {
    // A reopen that comes first (or alone) leaves nothing to wait for.
    while (solved) {
      progress.stage = `waiting ${String(input.delay)} before the survey`;
      const reopened = await condition(() => !solved, input.delay, {
        summary: `Wait ${String(input.delay)} before the survey; a reopen cancels it`,
      });
      if (reopened) continue; // counted by the reopen handler; solved again in the same instant → wait again
      await sendSurvey(input, result, progress);
      break;
    }
    // Added after runs were recorded: those replay without the tag.
    if (result.outcome === 'cancelled' && patched('ticket-survey-outcome-tags')) {
      await zendesk.addZendeskTicketTags.executeWithOptions(
        { summary: `Tag ticket ${input.ticketId} ${SURVEY_CANCELLED_TAG}` },
        [input.ticketId, [SURVEY_CANCELLED_TAG]],
      );
      progress.step(`tagged ${SURVEY_CANCELLED_TAG}`);
    }
    if (result.outcome === 'skipped' && !result.detail) result.detail = 'the ticket was not solved';
    progress.stage = 'completed';
    return result;
  });
}

async function sendSurvey(
  input: TicketSurveyInput,
  result: TicketSurveyResult,
  progress: ReturnType<typeof trackProgress>,
): Promise<void> {
  progress.stage = 'sending the survey';
  const ticket = await zendesk.getZendeskTicket.executeWithOptions(
    { summary: `Read Zendesk ticket ${input.ticketId}` },
    [input.ticketId],
  );
  if (!ticket) return skip(result, progress, 'the ticket was deleted');
  if (ticket.status !== 'solved' && ticket.status !== 'closed')
    return skip(result, progress, `the ticket is ${ticket.status} again`);
  if (ticket.tags.includes(SURVEY_SENT_TAG) || ticket.tags.includes(LEGACY_SURVEY_SENT_TAG))
    return skip(result, progress, 'the requester already got the survey');

  const requester = await zendesk.getZendeskUser.executeWithOptions(
    { summary: `Read requester ${ticket.requester_id} of ticket ${input.ticketId}` },
    [ticket.requester_id],
  );
  if (!requester) return skip(result, progress, 'the requester no longer exists');
  const mapped = mapSolvedTicketToSurveyEmail(
    { ticket, requester },
    { fromEmail: input.fromEmail, surveyUrl: input.surveyUrl },
  );
  if (!mapped.ok) return skip(result, progress, `no survey possible: ${mapped.reason}`);

  const [delivery] = await mandrill.sendMandrillTemplate.executeWithOptions(
    { summary: `Email the "${input.templateName}" survey for ticket ${input.ticketId} via Mandrill` },
    [input.templateName, mapped.message],
  );
  if (delivery && (delivery.status === 'rejected' || delivery.status === 'invalid')) {
    result.outcome = 'rejected';
    result.detail = `Mandrill ${delivery.status} the address (${delivery.reject_reason ?? 'no reason'})`;
    progress.step(result.detail);
    return;
  }
  result.outcome = 'sent';
  result.requesterId = requester.id;
  progress.step(`survey ${delivery?.status ?? 'sent'}`);
  // Closed tickets are read-only in Zendesk, and can never be solved again: no tag needed there.
  if (ticket.status === 'solved') {
    await zendesk.addZendeskTicketTags.executeWithOptions(
      { summary: `Tag ticket ${input.ticketId} ${SURVEY_SENT_TAG}` },
      [input.ticketId, [SURVEY_SENT_TAG]],
    );
    progress.step(`tagged ${SURVEY_SENT_TAG}`);
  }
}

function skip(result: TicketSurveyResult, progress: ReturnType<typeof trackProgress>, why: string): void {
  result.outcome = 'skipped';
  result.detail = why;
  progress.step(`skipped: ${why}`);
}
