/** ticket-survey through the gateway on the real dev server, with a short delay: the webhook path end to end. */
import { ticketSurveyWorkflowId } from './definition';
import { recordHistory } from '../../../test/helpers/histories';
import { startStack, TestStack } from '../../../test/helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ env: { TICKET_SURVEY_DELAY: '2s' } });
});
afterAll(async () => {
  await stack?.stop();
});

const post = (path: string) => fetch(`${stack.sandbox.url}/_sandbox/${path}`, { method: 'POST' });

test('a signed ticket.solved webhook leads to the survey email after the delay', async () => {
  const email = `survey.${Date.now()}@example.com`;
  const ticket = stack.sandbox.zendesk.createTicket({
    subject: 'Refund please',
    requester: { name: 'Ada Lovelace', email },
  });
  const res = await post(`zendesk/tickets/${ticket.id}/solve`);
  const { webhook } = (await res.json()) as { webhook: { status: number; body: unknown } };
  expect(webhook.status).toBe(202);
  const workflowId = ticketSurveyWorkflowId(String(ticket.id));
  expect(webhook.body).toMatchObject({ events: [{ runs: [{ integration: 'ticket-survey', workflowId }] }] });
  expect(stack.sandbox.mandrill.sentTo(email)).toHaveLength(0);

  const result = await stack.client.workflow.getHandle(workflowId).result();
  expect(result).toMatchObject({ ticketId: String(ticket.id), outcome: 'sent', sentTo: email });
  expect(stack.sandbox.mandrill.sentTo(email)).toEqual([
    expect.objectContaining({
      template: 'satisfaction-survey',
      subject: 'How did we do on "Refund please"?',
    }),
  ]);
  expect(ticket.tags).toContain('csat_survey_sent');
  await recordHistory(stack.client, workflowId, 'ticket-survey');
});

test('a signed ticket.reopened webhook inside the delay cancels the survey', async () => {
  const email = `reopen.${Date.now()}@example.com`;
  const ticket = stack.sandbox.zendesk.createTicket({ requester: { name: 'Grace', email } });
  await post(`zendesk/tickets/${ticket.id}/solve`);
  const reopened = await post(`zendesk/tickets/${ticket.id}/reopen`);
  expect(((await reopened.json()) as { webhook: { status: number } }).webhook.status).toBe(202);

  const result = await stack.client.workflow.getHandle(ticketSurveyWorkflowId(String(ticket.id))).result();
  expect(result).toMatchObject({ outcome: 'cancelled', surveysCancelled: 1 });
  expect(stack.sandbox.mandrill.sentTo(email)).toHaveLength(0);
});
