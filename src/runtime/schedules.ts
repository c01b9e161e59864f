/**
 * The Temporal Schedules Switchboard needs, created or brought up to date at start-up. Idempotent: every
 * process (dev, each worker) may call it; the first creates, the others update to the same definition.
 * Overlap policy SKIP: a full sync still running when the next one is due is not doubled up.
 */
import {
  Client,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
} from '@temporalio/client';
import type { Config } from '../config';
import { CATALOG, type IntegrationDefinition } from '../integrations/catalog';
import type { Logger } from '../logger';
import { runSearchAttributes } from './searchAttributes';

export type ScheduleOutcome = 'created' | 'updated' | 'deleted' | 'disabled';

/** One schedule per catalog entry that declares a schedule trigger; the schedule id is the integration id. */
export async function ensureSchedules(
  client: Client,
  config: Config,
  logger?: Pick<Logger, 'info'>,
  catalog: readonly IntegrationDefinition[] = CATALOG,
): Promise<Record<string, ScheduleOutcome>> {
  const outcomes: Record<string, ScheduleOutcome> = {};
  for (const integration of catalog) {
    if (!integration.triggers.schedule) continue;
    const outcome = await ensureSchedule(client, config, integration);
    logger?.info({ schedule: integration.id, outcome }, 'schedule ensured');
    outcomes[integration.id] = outcome;
  }
  return outcomes;
}

async function ensureSchedule(
  client: Client,
  config: Config,
  integration: IntegrationDefinition,
): Promise<ScheduleOutcome> {
  const trigger = integration.triggers.schedule!;
  const interval = trigger.every(config);
  const handle = client.schedule.getHandle(integration.id);
  if (interval === 'off') {
    try {
      await handle.delete();
      return 'deleted';
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return 'disabled';
      throw err;
    }
  }
  const plan = trigger.plan(config);
  const definition = {
    spec: { intervals: [{ every: interval }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: integration.workflow,
      // The schedule appends the fire time, so each run has its own readable id.
      workflowId: plan.workflowIdPrefix,
      taskQueue: config.temporal.taskQueue,
      args: plan.args,
      typedSearchAttributes: runSearchAttributes({ integration: integration.id, source: 'schedule' }),
      staticSummary: plan.summary,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' as const },
  };
  try {
    await client.schedule.create({ scheduleId: integration.id, ...definition });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await handle.update((previous) => ({ ...previous, ...definition, state: previous.state }));
  return 'updated';
}
