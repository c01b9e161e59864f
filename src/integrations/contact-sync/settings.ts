/** contact-sync's settings: `config.contactSync`. */
import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import { defineIntegrationSettings, schemas, setting } from '../../settings';

export const contactSyncSettings = defineIntegrationSettings({
  id: 'contact-sync',
  settings: {
    mailchimpListId: setting({
      env: 'MAILCHIMP_LIST_ID',
      schema: schemas.nonEmpty,
      required: true,
      secret: false,
      sandboxDefault: 'sandbox-list',
      description: 'the Mailchimp audience (list) id that HubSpot contacts are synced to',
    }),
    idleTimeout: setting({
      env: 'CONTACT_SYNC_IDLE_TIMEOUT',
      schema: z
        .string()
        .regex(/^\d+(ms|s|m|h)$/, 'a duration like 30s or 5m')
        .transform((v) => v as Duration),
      required: false,
      secret: false,
      default: '1m',
      description: "how long a contact's entity run waits for more events before completing",
    }),
  },
});
