/**
 * Full syncs never overlap: a full sync started by hand (POST /integrations/contact-full-sync/runs) while
 * another one runs, started by hand or by the schedule, is refused with 409 and the running run's id.
 */
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { CONTACT_FULL_SYNC_ID } from './definition';
import { ensureSchedules } from '../../runtime/schedules';
import { apiKeyHeader, eventually, startStack, TestStack } from '../../../test/helpers/stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    env: { CONTACT_FULL_SYNC_INTERVAL: '2h', MAILCHIMP_LIST_ID: 'overlap-list' },
  });
  stack.sandbox.hubspot.contacts.clear();
  stack.sandbox.hubspot.seedContacts(30, 'overlap');
});
afterAll(async () => {
  await stack?.stop();
});

const started: string[] = [];
beforeEach(() => {
  // A slow HubSpot keeps each full sync open for seconds: long enough to try a second one.
  stack.sandbox.faults.hubspot.set({ latencyMs: 1500 });
});
afterEach(async () => {
  stack.sandbox.faults.hubspot.clear();
  for (const workflowId of started.splice(0))
    await stack.client.workflow
      .getHandle(workflowId)
      .terminate('test over')
      .catch(() => undefined);
  await stack.client.schedule
    .getHandle(CONTACT_FULL_SYNC_ID)
    .delete()
    .catch(() => undefined);
});

interface StartReply {
  workflowId: string;
  runId: string;
  duplicate: boolean;
}
interface ConflictReply {
  error: { code: string; message: string; workflowId: string; runId: string };
}

async function startByHand(): Promise<{ status: number; body: StartReply & ConflictReply }> {
  const res = await fetch(`${stack.gatewayUrl}/integrations/${CONTACT_FULL_SYNC_ID}/runs`, {
    method: 'POST',
    headers: { ...apiKeyHeader(stack.config), 'content-type': 'application/json' },
    body: '{}',
  });
  const body = (await res.json()) as StartReply & ConflictReply;
  if (res.status === 202) started.push(body.workflowId);
  return { status: res.status, body };
}

test('a full sync started by hand while another by-hand one runs answers 409 with the running run', async () => {
  const first = await startByHand();
  expect(first.status).toBe(202);
  expect(first.body).toMatchObject({ duplicate: false, runId: expect.any(String) });

  const second = await startByHand();
  expect(second.status).toBe(409);
  expect(second.body.error).toMatchObject({
    code: 'run_exists',
    workflowId: first.body.workflowId,
    runId: first.body.runId,
  });
  const described = await stack.client.workflow.getHandle(first.body.workflowId).describe();
  expect(described).toMatchObject({ runId: first.body.runId, status: { name: 'RUNNING' } });

  // Once it has closed, the next one starts.
  await stack.client.workflow.getHandle(first.body.workflowId).terminate('test: first one done');
  const third = await eventually(
    async () => {
      const reply = await startByHand();
      return reply.status === 202 ? reply : undefined;
    },
    20_000,
    'a new full sync once the first has closed',
  );
  expect(third.body.runId).not.toBe(first.body.runId);
});

test('a full sync started by hand while the scheduled one runs answers 409 with the scheduled run', async () => {
  expect(await ensureSchedules(stack.client, stack.config)).toEqual({ [CONTACT_FULL_SYNC_ID]: 'created' });
  const schedule = stack.client.schedule.getHandle(CONTACT_FULL_SYNC_ID);
  // The schedule fires, with its own overlap policy, as it does every CONTACT_FULL_SYNC_INTERVAL.
  await schedule.trigger(ScheduleOverlapPolicy.SKIP);
  const running = await eventually(
    async () => (await schedule.describe()).info.recentActions[0]?.action.workflow,
    20_000,
    'the scheduled full sync',
  );
  started.push(running.workflowId);

  const byHand = await startByHand();
  expect(byHand.status).toBe(409);
  expect(byHand.body.error).toMatchObject({
    code: 'run_exists',
    workflowId: running.workflowId,
    runId: running.firstExecutionRunId,
  });
  expect(byHand.body.error.message).toContain(running.workflowId);
});

test('a full sync started by hand is one the schedule knows: its next firing is skipped, not doubled', async () => {
  expect(await ensureSchedules(stack.client, stack.config)).toEqual({ [CONTACT_FULL_SYNC_ID]: 'created' });
  const schedule = stack.client.schedule.getHandle(CONTACT_FULL_SYNC_ID);
  const byHand = await startByHand();
  expect(byHand.status).toBe(202);
  const running = await eventually(
    async () => {
      const ids = (await schedule.describe()).info.runningActions.map((a) => a.workflow.workflowId);
      return ids.length > 0 ? ids : undefined;
    },
    20_000,
    'the schedule to see the run',
  );
  expect(running).toEqual([byHand.body.workflowId]);
  expect((await startByHand()).status).toBe(409);
});
