/**
 * Hands a run to Temporal. Returns only once the server has durably accepted the start (or signal);
 * a repeated delivery of a `start` plan hits the same workflow id and reports `duplicate: true`.
 */
import { Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
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
          workflowIdReusePolicy: plan.once ? WorkflowIdReusePolicy.REJECT_DUPLICATE : undefined,
        });
        return started(handle.signaledRunId);
      } catch (err) {
        // `once`: the record's run has closed; the event came too late to matter.
        if (plan.once && err instanceof WorkflowExecutionAlreadyStartedError) return duplicate;
        throw err;
      }
    }
    try {
      const handle = await client.workflow.start(integration.workflow, {
        ...options,
        // The id is the event's identity: a redelivery, even after the first run closed, is a duplicate.
        workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      });
      return started(handle.firstExecutionRunId);
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return duplicate;
      throw err;
    }
  });
}
