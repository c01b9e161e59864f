/** contact-full-sync's settings: `config.contactFullSync`. */
import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import { defineIntegrationSettings, schemas, setting } from '../../settings';

export const contactFullSyncSettings = defineIntegrationSettings({
  id: 'contact-full-sync',
  settings: {
    interval: setting({
      env: 'CONTACT_FULL_SYNC_INTERVAL',
      schema: z
        .string()
        .regex(/^(\d+(s|m|h|d)|off)$/, 'a duration like 6h or 1d, or off')
        .transform((v) => v as Duration | 'off'),
      required: false,
      secret: false,
      default: '6h',
      description: 'how often the scheduled full sync runs; off disables the schedule',
    }),
    pageSize: setting({
      env: 'CONTACT_FULL_SYNC_PAGE_SIZE',
      schema: schemas.positiveInt.max(100),
      required: false,
      secret: false,
      default: '100',
      description: 'HubSpot contacts per page (at most 100)',
    }),
    pagesPerRun: setting({
      env: 'CONTACT_FULL_SYNC_PAGES_PER_RUN',
      schema: schemas.positiveInt,
      required: false,
      secret: false,
      default: '10',
      description: 'pages per run before it continues as new (keeps the history small)',
    }),
    concurrency: setting({
      env: 'CONTACT_FULL_SYNC_CONCURRENCY',
      schema: schemas.positiveInt.max(100),
      required: false,
      secret: false,
      default: '20',
      description: 'Mailchimp upserts in flight at a time',
    }),
  },
});
