/**
 * Hands a run to Temporal. Returns only once the server has durably accepted the start (or signal);
 * a repeated delivery of a `start` plan hits the same workflow id and reports `duplicate: true`.
 */
import {
  Client,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy } from '@temporalio/common';
import type { IntegrationDefinition, StartPlan } from '../integrations/catalog';
import { withTemporalDeadline } from './calls';
import { runSearchAttributes } from './searchAttributes';

export interface StartedRun {
  integration: string;
  workflowId: string;
  runId?: string;
  duplicate: boolean;
}

export interface RunContext {
  source?: string;
  eventType?: string;
  /** The sender's id of the event that asks for the run (a webhook's); a redelivery carries the same. */
  eventId?: string;
}

/** The memo field that names the event a run was started for (plans with `afterClose: 'allow'`). */
const EVENT_ID_MEMO = 'eventId';

/** A start refused because a run that must not overlap it is open (the gateway answers 409 run_exists). */
export class RunExistsError extends Error {
  constructor(
    readonly workflowId: string,
    readonly runId: string | undefined,
  ) {
    super(`a run with workflow id "${workflowId}" is already open`);
    this.name = 'RunExistsError';
  }
}

export async function startRun(
  client: Client,
  taskQueue: string,
  integration: IntegrationDefinition,
  plan: StartPlan,
  context: RunContext,
): Promise<StartedRun> {
  const options = {
    taskQueue,
    workflowId: plan.workflowId,
    args: plan.args,
    typedSearchAttributes: runSearchAttributes({
      integration: integration.id,
      source: context.source,
      eventType: context.eventType,
      recordId: plan.recordId,
    }),
    staticSummary: plan.summary,
    staticDetails: `${integration.title}\n\n${integration.description}`,
  };
  const started = (runId: string): StartedRun => ({
    integration: integration.id,
    workflowId: plan.workflowId,
    runId,
    duplicate: false,
  });
  const duplicate: StartedRun = { integration: integration.id, workflowId: plan.workflowId, duplicate: true };
  return withTemporalDeadline(client, async () => {
    if (plan.mode === 'signalWithStart') {
      try {
        const handle = await client.workflow.signalWithStart(integration.workflow, {
          ...options,
          signal: plan.signal,
          signalArgs: plan.signalArgs,
          // `once`: a record's run that completed has done its whole job, so a late event is a duplicate;
          // one that failed, was cancelled, terminated or timed out did not, so the late event starts a
          // new run that acts on it instead of being dropped.
          workflowIdReusePolicy: plan.once ? WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY : undefined,
        });
        return started(handle.signaledRunId);
      } catch (err) {
        // `once`: the record's run completed; the event came too late to matter.
        if (plan.once && err instanceof WorkflowExecutionAlreadyStartedError) return duplicate;
        throw err;
      }
    }
    // `afterClose: 'allow'`: a closed run does not block a start, so a sender's redelivery of the same event
    // arriving after the run closed would start it again. The run records its event; a redelivery of that
    // event is a duplicate, unless that run failed (or was cancelled, terminated, timed out): then the
    // event was not acted on, and the redelivery starts a run that does.
    const eventId = plan.afterClose === 'allow' ? context.eventId : undefined;
    if (eventId !== undefined && (await actedOnEvent(client, plan.workflowId, eventId))) return duplicate;
    try {
      const handle = await client.workflow.start(integration.workflow, {
        ...options,
        ...(eventId !== undefined ? { memo: { [EVENT_ID_MEMO]: eventId } } : {}),
        // By default the id is the event's identity: a redelivery, even after the first run closed, is a
        // duplicate. `afterClose: 'allow'`: a closed run never blocks a later one.
        workflowIdReusePolicy:
          plan.afterClose === 'allow'
            ? WorkflowIdReusePolicy.ALLOW_DUPLICATE
            : WorkflowIdReusePolicy.REJECT_DUPLICATE,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      });
      return started(handle.firstExecutionRunId);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      if (plan.whileOpen !== 'conflict') return duplicate;
      const open = await client.workflow
        .getHandle(plan.workflowId)
        .describe()
        .catch(() => undefined);
      throw new RunExistsError(plan.workflowId, open?.runId);
    }
  });
}

/** Whether the latest run of `workflowId` was started for `eventId` and is running or completed. */
async function actedOnEvent(client: Client, workflowId: string, eventId: string): Promise<boolean> {
  try {
    const { memo, status } = await client.workflow.getHandle(workflowId).describe();
    return memo?.[EVENT_ID_MEMO] === eventId && ['RUNNING', 'COMPLETED'].includes(status.name);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/**
 * A by-hand start of an integration whose runs must never overlap (its schedule trigger is `exclusive`):
 * refused with RunExistsError while any run of the integration is open, scheduled or by hand.
 *
 * With its schedule in place, the run is the schedule's own action ("trigger now" with overlap SKIP): the
 * schedule then knows it, and skips its next firing while it runs, so neither kind can start over the
 * other — the schedule orders the two, atomically. Without a schedule (interval off), the plan's fixed
 * workflow id with `whileOpen: 'conflict'` keeps by-hand runs apart. In both cases a visibility query first
 * finds a run that either way would miss (one started by hand while the schedule was off).
 */
export async function startExclusiveRun(
  client: Client,
  taskQueue: string,
  integration: IntegrationDefinition,
  plan: StartPlan,
  context: RunContext,
  { deadlineMs = 10_000 }: { deadlineMs?: number } = {},
): Promise<StartedRun> {
  const openRun = await withTemporalDeadline(client, async () => {
    for await (const run of client.workflow.list({
      query: `Integration = "${integration.id}" AND ExecutionStatus = "Running"`,
      pageSize: 1,
    }))
      return run;
    return undefined;
  });
  if (openRun) throw new RunExistsError(openRun.workflowId, openRun.runId);

  const schedule = client.schedule.getHandle(integration.id);
  const described = await withTemporalDeadline(client, () => schedule.describe()).catch((err) => {
    if (err instanceof ScheduleNotFoundError) return undefined;
    throw err;
  });
  if (!described) return startRun(client, taskQueue, integration, plan, context);

  const actionsOf = (d: typeof described) => [
    ...d.info.runningActions.map((a) => a.workflow),
    ...d.info.recentActions.map((a) => a.action.workflow),
  ];
  const running = described.info.runningActions[0]?.workflow;
  if (running) throw new RunExistsError(running.workflowId, running.firstExecutionRunId);
  const known = new Set(actionsOf(described).map((a) => a.firstExecutionRunId));
  await withTemporalDeadline(client, () => schedule.trigger(ScheduleOverlapPolicy.SKIP));
  // The schedule takes the action asynchronously: its new run shows in its description moments later.
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    const now = await withTemporalDeadline(client, () => schedule.describe());
    const ours = actionsOf(now).find((a) => !known.has(a.firstExecutionRunId));
    if (ours)
      return {
        integration: integration.id,
        workflowId: ours.workflowId,
        runId: ours.firstExecutionRunId,
        duplicate: false,
      };
    // The trigger was skipped: another start got in between, and it is the run that is open.
    const other = now.info.runningActions[0]?.workflow;
    if (other) throw new RunExistsError(other.workflowId, other.firstExecutionRunId);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the ${integration.id} schedule took no action within ${deadlineMs} ms of "trigger now"`);
}
