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
    'The safety net of contact-sync: on a Temporal Schedule (overlaps skipped) it pages through every ' +
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
      // One id per request: a by-hand full sync is a deliberate new run.
      workflowId: `${CONTACT_FULL_SYNC_ID}/hubspot/manual-${Date.now()}`,
      args: [fullSyncInput(config)],
      summary: 'Full sync of every HubSpot contact to Mailchimp (started by hand)',
    };
  },
});
