import { z } from 'zod';
import type { Config } from '../../config';
import { CONTACT_TO_MAILCHIMP } from '../contact-sync/mapping';
import { contactFullSync, type ContactFullSyncInput } from './workflow';
import { defineIntegration, type ScheduleTrigger, type StartPlan } from '../kit/types';

export const CONTACT_FULL_SYNC_ID = 'contact-full-sync';

export function fullSyncInput(config: Config): ContactFullSyncInput {
  const { pageSize, pagesPerRun, concurrency } = config.contactFullSync;
  return { listId: config.contactSync.mailchimpListId, pageSize, pagesPerRun, concurrency };
}

export const contactFullSyncIntegration = defineIntegration({
  id: CONTACT_FULL_SYNC_ID,
  title: 'CRM contacts → email marketing list (scheduled full sync)',
  description:
    'The safety net of contact-sync: on a Temporal Schedule (overlaps skipped; a by-hand run while one is ' +
    'running is refused with 409) it pages through every ' +
    'HubSpot contact with the paging cursor and upserts each page into the Mailchimp list, a bounded number ' +
    'at a time, continuing-as-new every few pages so any number of contacts keeps a small history.',
  workflow: contactFullSync,
  triggers: {
    webhooks: [],
    schedule: {
      description:
        'every CONTACT_FULL_SYNC_INTERVAL (default 6h): Temporal Schedule "contact-full-sync", overlap policy SKIP, created/updated at start-up',
      every: (config) => config.contactFullSync.interval,
      plan: (config): ReturnType<ScheduleTrigger<typeof contactFullSync>['plan']> => ({
        workflowIdPrefix: `${CONTACT_FULL_SYNC_ID}/hubspot/scheduled`,
        args: [fullSyncInput(config)],
        summary: 'Scheduled full sync of every HubSpot contact to Mailchimp',
      }),
      // Two full syncs at once would double every write for nothing: a by-hand one waits its turn (409).
      exclusive: true,
    },
    manual: true,
  },
  from: { system: 'hubspot', records: 'contacts (all, paged)' },
  to: [{ system: 'mailchimp', records: 'list members' }],
  direction: 'one-way',
  frequency: 'every CONTACT_FULL_SYNC_INTERVAL (6 h by default), and on demand',
  fieldMaps: { 'hubspot contact → mailchimp member': CONTACT_TO_MAILCHIMP },
  manualInput: z.object({}).loose(),
  planManual(_input, config): StartPlan<typeof contactFullSync> {
    return {
      mode: 'start',
      // With the schedule on, a by-hand run is the schedule's own action (triggers.schedule.exclusive);
      // with it off, this one fixed id keeps by-hand runs from overlapping: a new one once the last closed.
      workflowId: `${CONTACT_FULL_SYNC_ID}/hubspot/manual`,
      afterClose: 'allow',
      whileOpen: 'conflict',
      args: [fullSyncInput(config)],
      summary: 'Full sync of every HubSpot contact to Mailchimp (started by hand)',
    };
  },
});
