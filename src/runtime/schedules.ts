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
import { CONTACT_FULL_SYNC_ID, fullSyncInput } from '../integrations/contact-full-sync/definition';
import type { Logger } from '../logger';
import { runSearchAttributes } from './searchAttributes';

export const CONTACT_FULL_SYNC_SCHEDULE_ID = CONTACT_FULL_SYNC_ID;

export type ScheduleOutcome = 'created' | 'updated' | 'deleted' | 'disabled';

export async function ensureSchedules(
  client: Client,
  config: Config,
  logger?: Pick<Logger, 'info'>,
): Promise<Record<string, ScheduleOutcome>> {
  const outcome = await ensureContactFullSyncSchedule(client, config);
  logger?.info({ schedule: CONTACT_FULL_SYNC_SCHEDULE_ID, outcome }, 'schedule ensured');
  return { [CONTACT_FULL_SYNC_SCHEDULE_ID]: outcome };
}

async function ensureContactFullSyncSchedule(client: Client, config: Config): Promise<ScheduleOutcome> {
  const { interval } = config.contactFullSync;
  const handle = client.schedule.getHandle(CONTACT_FULL_SYNC_SCHEDULE_ID);
  if (interval === 'off') {
    try {
      await handle.delete();
      return 'deleted';
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return 'disabled';
      throw err;
    }
  }
  const definition = {
    spec: { intervals: [{ every: interval }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: 'contactFullSync',
      // The schedule appends the fire time, so each run has its own readable id.
      workflowId: `${CONTACT_FULL_SYNC_ID}/hubspot/scheduled`,
      taskQueue: config.temporal.taskQueue,
      args: [fullSyncInput(config)],
      typedSearchAttributes: runSearchAttributes({ integration: CONTACT_FULL_SYNC_ID, source: 'schedule' }),
      staticSummary: 'Scheduled full sync of every HubSpot contact to Mailchimp',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1m' as const },
  };
  try {
    await client.schedule.create({ scheduleId: CONTACT_FULL_SYNC_SCHEDULE_ID, ...definition });
    return 'created';
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
  await handle.update((previous) => ({ ...previous, ...definition, state: previous.state }));
  return 'updated';
}
