/**
 * ticket-survey on the time-skipping test server: the 24 h timer passes in an instant, with the real
 * workflow, the real activities and the Zendesk and Mandrill stand-ins. Nothing waits in real time.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection } from '@temporalio/worker';
import { createActivitiesBySystem } from '../../systems/activities';
import { Config, loadConfig } from '../../config';
import { ticketSurveyInput, ticketSurveyWorkflowId } from './definition';
import { startSandbox, Sandbox } from '../../sandbox/server';
import { resolveTestServer } from '../../runtime/cli';
import { freePort } from '../../runtime/devServer';
import { createWorkers, WorkerSet } from '../../runtime/workers';
import { SURVEY_SENT_TAG, ticketReopenedSignal, ticketSolvedSignal, ticketSurvey } from './workflow';
import { silentLogger, testWorkflowBundle } from '../../../test/helpers/stack';

let env: TestWorkflowEnvironment;
let sandbox: Sandbox;
let config: Config;
let workers: WorkerSet;
let running: Promise<void>;

beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: resolveTestServer()! } },
  });
  const port = await freePort();
  // The default delay (24 h): the test server skips it rather than the test shortening it.
  config = loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    SANDBOX_PORT: String(port),
    LOG_LEVEL: 'silent',
    TEMPORAL_NAMESPACE: env.namespace ?? 'default',
  });
  sandbox = await startSandbox({ port, config });
  workers = await createWorkers({
    config,
    connection: env.nativeConnection as NativeConnection,
    activities: createActivitiesBySystem({ config, logger: silentLogger }),
    workflowBundle: testWorkflowBundle(config),
  });
  running = workers.run();
});

afterAll(async () => {
  workers?.shutdown();
  await running;
  await sandbox?.close();
  await env?.teardown();
});

let n = 0;
function solvedTicket() {
  const email = `requester.${Date.now()}.${++n}@example.com`;
  const ticket = sandbox.zendesk.createTicket({
    subject: 'Parcel never arrived',
    requester: { name: 'Grace Hopper', email },
  });
  ticket.status = 'solved';
  const ticketId = String(ticket.id);
  return { ticket, email, ticketId, workflowId: ticketSurveyWorkflowId(ticketId) };
}

function solve(ticketId: string, eventId = `evt-${ticketId}-solved-${++n}`) {
  return env.client.workflow.signalWithStart(ticketSurvey, {
    taskQueue: config.temporal.taskQueue,
    workflowId: ticketSurveyWorkflowId(ticketId),
    args: [ticketSurveyInput(ticketId, config)],
    signal: ticketSolvedSignal,
    signalArgs: [{ eventId }],
  });
}

test('the survey email goes out when the 24 h timer fires, not before', async () => {
  const { ticket, email, ticketId } = solvedTicket();
  const handle = await solve(ticketId);

  const waiting = await handle.query<{ stage: string }>('progress');
  expect(waiting.stage).toBe('waiting 24h before the survey');
  expect(sandbox.mandrill.sentTo(email)).toHaveLength(0);

  const result = await handle.result(); // the test server skips the 24 h
  expect(result).toMatchObject({
    ticketId,
    outcome: 'sent',
    requesterId: ticket.requester_id,
    surveysCancelled: 0,
  });
  const [sent] = sandbox.mandrill.sentTo(email);
  expect(sent).toMatchObject({
    template: 'satisfaction-survey',
    subject: 'How did we do on "Parcel never arrived"?',
    metadata: { zendesk_ticket_id: ticketId },
  });
  expect(sent.html).toContain(`https://example.com/survey/${ticketId}`);
  expect(sandbox.mandrill.sentTo(email)).toHaveLength(1);
  expect(ticket.tags).toContain(SURVEY_SENT_TAG);

  // The wait was the configured durable timer: 24 h of workflow time, one timer in the history.
  const history = await handle.fetchHistory();
  const timers = history.events!.filter((e) => e.timerStartedEventAttributes);
  expect(timers).toHaveLength(1);
  expect(Number(timers[0].timerStartedEventAttributes!.startToFireTimeout!.seconds)).toBe(24 * 3600);
});

test('a ticket reopened before the timer fires gets no survey', async () => {
  const { email, ticketId } = solvedTicket();
  const handle = await solve(ticketId);
  await handle.signal(ticketReopenedSignal, { eventId: `evt-${ticketId}-reopened` });

  const result = await handle.result();
  expect(result).toMatchObject({ ticketId, outcome: 'cancelled', surveysCancelled: 1 });
  expect(sandbox.mandrill.sentTo(email)).toHaveLength(0);
});

test('solved again after a reopen: the survey goes out once', async () => {
  const { email, ticketId, workflowId } = solvedTicket();
  const handle = await solve(ticketId);
  await handle.signal(ticketReopenedSignal, { eventId: `evt-${ticketId}-reopened` });
  await solve(ticketId);

  // Whether the second solve reached the same run or started the next one, the latest run sends it.
  const result = await env.client.workflow.getHandle(workflowId).result();
  expect(result).toMatchObject({ ticketId, outcome: 'sent' });
  expect(JSON.stringify(result)).not.toContain(email);
  expect(sandbox.mandrill.sentTo(email)).toHaveLength(1);
});

test('a redelivered ticket.solved after the survey went out sends nothing more', async () => {
  const { email, ticketId } = solvedTicket();
  await (await solve(ticketId, 'evt-same')).result();
  const second = await solve(ticketId, 'evt-same'); // the first run is closed: a new run starts
  await expect(second.result()).resolves.toMatchObject({
    outcome: 'skipped',
    detail: 'the requester already got the survey',
  });
  expect(sandbox.mandrill.sentTo(email)).toHaveLength(1);
});

test('a ticket no longer solved when the timer fires (reopen webhook lost) gets no survey', async () => {
  const { ticket, email, ticketId } = solvedTicket();
  const handle = await solve(ticketId);
  ticket.status = 'open';
  await expect(handle.result()).resolves.toMatchObject({
    outcome: 'skipped',
    detail: 'the ticket is open again',
  });
  expect(sandbox.mandrill.sentTo(email)).toHaveLength(0);
});
