/** ticket-survey's timer and its cancellation, with stubbed Zendesk and Mandrill; 24 h pass in an instant. */
import { ActivityStubs, useWorkflowHarness, WorkflowRun } from '../../../test/helpers/workflowHarness';
import {
  SURVEY_CANCELLED_TAG,
  SURVEY_SENT_TAG,
  ticketReopenedSignal,
  ticketSolvedSignal,
  ticketSurvey,
  TicketSurveyInput,
} from './workflow';

const harness = useWorkflowHarness();

const HOUR = 3600_000;
const INPUT: TicketSurveyInput = {
  ticketId: '9',
  delay: '24h',
  templateName: 'satisfaction-survey',
  fromEmail: 'support@example.com',
  surveyUrl: 'https://example.com/survey/',
};

function zendesk(ticket: { status?: string; tags?: string[] } = {}): ActivityStubs {
  return {
    getZendeskTicket: async () => ({
      id: 9,
      subject: 'Parcel never arrived',
      status: 'solved',
      requester_id: 5,
      tags: [],
      ...ticket,
    }),
    getZendeskUser: async (id) => ({ id, name: 'Grace Hopper', email: 'Grace@Example.com' }),
    sendMandrillTemplate: async (_template, message) => [
      { email: message.to[0].email, status: 'sent', _id: 'msg-1' },
    ],
    addZendeskTicketTags: async (_id, tags) => tags,
  };
}

let n = 0;
const solved = (run: WorkflowRun, workflowId = `ticket-survey/zendesk/ticket-9-${++n}`) =>
  run.client.workflow.signalWithStart(ticketSurvey, {
    taskQueue: run.taskQueue,
    workflowId,
    args: [INPUT],
    signal: ticketSolvedSignal,
    signalArgs: [{ eventId: `solved-${++n}` }],
  });

test('a solved ticket gets the survey once the 24 h timer fires, and is tagged', () =>
  harness.run(zendesk(), async (run) => {
    const handle = await solved(run);
    await run.env.sleep(23 * HOUR);
    expect(run.calls).toEqual([]); // not due yet

    await expect(handle.result()).resolves.toEqual({
      ticketId: '9',
      outcome: 'sent',
      surveysCancelled: 0,
      requesterId: 5,
    });
    expect(run.names()).toEqual([
      'getZendeskTicket',
      'getZendeskUser',
      'sendMandrillTemplate',
      'addZendeskTicketTags',
    ]);
    const [[template, message]] = run.argsOf('sendMandrillTemplate');
    expect(template).toBe('satisfaction-survey');
    expect(message).toMatchObject({
      from_email: 'support@example.com',
      to: [{ email: 'grace@example.com', name: 'Grace Hopper', type: 'to' }],
      global_merge_vars: expect.arrayContaining([
        { name: 'TICKET_SUBJECT', content: 'Parcel never arrived' },
        { name: 'SURVEY_URL', content: 'https://example.com/survey/9' },
      ]),
      metadata: { zendesk_ticket_id: '9' },
    });
    expect(run.argsOf('addZendeskTicketTags')).toEqual([['9', [SURVEY_SENT_TAG]]]);
    const { startTime, closeTime } = await handle.describe();
    expect(closeTime!.getTime() - startTime.getTime()).toBeGreaterThanOrEqual(24 * HOUR);
  }));

test('a ticket reopened before the timer fires gets no survey', () =>
  harness.run(zendesk(), async (run) => {
    const handle = await solved(run);
    await run.env.sleep(2 * HOUR);
    await handle.signal(ticketReopenedSignal, { eventId: 'reopened-1' });

    await expect(handle.result()).resolves.toMatchObject({ outcome: 'cancelled', surveysCancelled: 1 });
    expect(run.names()).toEqual(['addZendeskTicketTags']);
    expect(run.argsOf('addZendeskTicketTags')).toEqual([['9', [SURVEY_CANCELLED_TAG]]]);
  }));

test('solved, reopened, solved again: one survey, a full delay after the second solve', () =>
  harness.run(zendesk(), async (run) => {
    const first = await solved(run);
    await run.env.sleep(2 * HOUR);
    await first.signal(ticketReopenedSignal, { eventId: 'reopened-1' });
    await run.env.sleep(HOUR);
    // As the gateway does: the run may have closed on the reopen, then this starts the next one.
    await solved(run, first.workflowId);

    const latest = run.client.workflow.getHandle(first.workflowId);
    await expect(latest.result()).resolves.toMatchObject({ outcome: 'sent' });
    expect(run.argsOf('sendMandrillTemplate')).toHaveLength(1);
    const { startTime } = await run.client.workflow
      .getHandle(first.workflowId, first.signaledRunId)
      .describe();
    const { closeTime } = await latest.describe();
    expect(closeTime!.getTime() - startTime.getTime()).toBeGreaterThanOrEqual(27 * HOUR);
  }));

test('a ticket open again when the timer fires (its reopen webhook lost) gets no survey', () =>
  harness.run(zendesk({ status: 'open' }), async (run) => {
    await expect((await solved(run)).result()).resolves.toMatchObject({
      outcome: 'skipped',
      detail: 'the ticket is open again',
    });
    expect(run.names()).toEqual(['getZendeskTicket']);
  }));

test.each([SURVEY_SENT_TAG, 'csat_survey_sent'])(
  'a requester who already got the survey (ticket tagged %s) is not sent another',
  (tag) =>
    harness.run(zendesk({ tags: [tag] }), async (run) => {
      await expect((await solved(run)).result()).resolves.toMatchObject({
        outcome: 'skipped',
        detail: 'the requester already got the survey',
      });
      expect(run.names()).toEqual(['getZendeskTicket']);
    }),
);

test('an address Mandrill rejects is reported, and the ticket is not tagged', () =>
  harness.run(
    {
      ...zendesk(),
      sendMandrillTemplate: async (_template, message) => [
        { email: message.to[0].email, status: 'rejected', reject_reason: 'hard-bounce', _id: 'msg-1' },
      ],
    },
    async (run) => {
      await expect((await solved(run)).result()).resolves.toMatchObject({
        outcome: 'rejected',
        detail: 'Mandrill rejected the address (hard-bounce)',
      });
      expect(run.names()).not.toContain('addZendeskTicketTags');
    },
  ));
