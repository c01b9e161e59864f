import { msToNumber } from '@temporalio/common/lib/time';
import { z } from 'zod';
import { CONTACT_TO_MAILCHIMP } from './mapping';
import {
  CONTACT_SYNC_VERSION,
  contactEventSignal,
  contactSync,
  type ContactEvent,
  type ContactSyncInput,
} from './workflow';
import { defineIntegration, signalWith, type StartPlan } from '../kit/types';
import type { Config } from '../../config';

function contactPlan(contactId: string, event: ContactEvent, config: Config): StartPlan<typeof contactSync> {
  const input: ContactSyncInput = {
    contactId,
    listId: config.contactSync.mailchimpListId,
    idleTimeout: config.contactSync.idleTimeout,
    version: CONTACT_SYNC_VERSION,
    ...(msToNumber(config.contactSync.idleTimeout) === 0 && { completeWhenIdle: true }),
  };
  return {
    mode: 'signalWithStart',
    workflowId: `contact-sync/hubspot/contact-${contactId}`,
    recordId: contactId,
    args: [input],
    ...signalWith(contactEventSignal, event),
    summary: `Sync HubSpot contact ${contactId} to Mailchimp`,
  };
}

export const contactSyncIntegration = defineIntegration({
  id: 'contact-sync',
  title: 'CRM contacts → email marketing list',
  description:
    'Keeps the Mailchimp audience in step with HubSpot: every contact created or changed in HubSpot is read ' +
    'back from the CRM and upserted as a list member (opted-out contacts stay as unsubscribed); a deleted ' +
    'contact is archived in Mailchimp, a GDPR deletion erases the member. A scheduled full sync ' +
    '(contact-full-sync) catches anything a webhook missed.',
  workflow: contactSync,
  triggers: {
    webhooks: [
      {
        source: 'hubspot',
        eventTypes: [
          'contact.creation',
          'contact.propertyChange',
          'contact.restore',
          'contact.deletion',
          'contact.privacyDeletion',
        ],
      },
    ],
    manual: true,
  },
  from: { system: 'hubspot', records: 'contacts' },
  to: [{ system: 'mailchimp', records: 'list members' }],
  direction: 'one-way',
  frequency: 'real time: one entity run per contact at a time, events applied in order within seconds',
  fieldMaps: { 'hubspot contact → mailchimp member': CONTACT_TO_MAILCHIMP },
  planFor(event, config) {
    return contactPlan(
      event.recordId ?? '',
      { eventId: event.eventId, eventType: event.eventType, occurredAt: event.occurredAt },
      config,
    );
  },
  manualInput: z.object({ contactId: z.string().regex(/^\d+$/, 'a HubSpot contact id (digits)') }),
  planManual(input, config) {
    const { contactId } = input as { contactId: string };
    return contactPlan(
      contactId,
      { eventId: `manual-${Date.now()}`, eventType: 'manual', occurredAt: Date.now() },
      config,
    );
  },
});
