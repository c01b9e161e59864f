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
  expect(result).toMatchObject({
    ticketId: String(ticket.id),
    outcome: 'sent',
    requesterId: ticket.requester_id,
  });
  expect(stack.sandbox.mandrill.sentTo(email)).toEqual([
    expect.objectContaining({
      template: 'satisfaction-survey',
      subject: 'How did we do on "Refund please"?',
    }),
  ]);
  expect(ticket.tags).toContain('survey-sent');
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

test('the survey run tags the ticket survey-sent and its result keeps the requester id, never the email', async () => {
  const email = `tagged.${Date.now()}@example.com`;
  const ticket = stack.sandbox.zendesk.createTicket({ requester: { name: 'Ada', email } });
  await post(`zendesk/tickets/${ticket.id}/solve`);
  const workflowId = ticketSurveyWorkflowId(String(ticket.id));
  const result = await stack.client.workflow.getHandle(workflowId).result();
  expect(result).toMatchObject({ outcome: 'sent', requesterId: ticket.requester_id });
  expect(JSON.stringify(result)).not.toContain(email);
  expect(stack.sandbox.mandrill.sentTo(email)).toHaveLength(1);
  expect(ticket.tags).toEqual(['survey-sent']);
  // Nor does what the runs API shows of it (result and progress).
  const view = await fetch(`${stack.gatewayUrl}/runs/${workflowId}`, {
    headers: { authorization: `Bearer ${stack.config.apiKeys[0]}` },
  });
  expect(view.status).toBe(200);
  expect(await view.text()).not.toContain(email);
});

test('a survey cancelled by a reopen tags the ticket survey-cancelled; its result keeps no email', async () => {
  const email = `cancelled.${Date.now()}@example.com`;
  const ticket = stack.sandbox.zendesk.createTicket({ requester: { name: 'Grace', email } });
  await post(`zendesk/tickets/${ticket.id}/solve`);
  await post(`zendesk/tickets/${ticket.id}/reopen`);
  const workflowId = ticketSurveyWorkflowId(String(ticket.id));
  const result = await stack.client.workflow.getHandle(workflowId).result();
  expect(result).toMatchObject({ outcome: 'cancelled', surveysCancelled: 1 });
  expect(JSON.stringify(result)).not.toContain(email);
  expect(stack.sandbox.mandrill.sentTo(email)).toHaveLength(0);
  expect(ticket.tags).toEqual(['survey-cancelled']);
  // Nor does what the runs API shows of it (result and progress).
  const view = await fetch(`${stack.gatewayUrl}/runs/${workflowId}`, {
    headers: { authorization: `Bearer ${stack.config.apiKeys[0]}` },
  });
  expect(view.status).toBe(200);
  const shown = await view.text();
  expect(shown).toContain('"outcome":"cancelled"');
  expect(shown).not.toContain(email);
  await recordHistory(stack.client, workflowId, 'ticket-survey', 'ticket-survey.cancelled');
});
