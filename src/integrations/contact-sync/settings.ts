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
      default: '0s',
      description:
        "how long a contact's entity run waits for more events before completing. 0s: it completes as soon as no event is pending, with no timer (the cheapest run; a redelivered event is dropped only while its run is open, and a GDPR deletion erases the member only if it arrives while the run that synced it is open, else a person is alerted). A wait such as 1m keeps the run open that long, at the cost of a timer and a workflow task per run",
    }),
  },
});
