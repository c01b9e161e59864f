/** HubSpot webhooks as HubSpot sends them: a JSON batch of events, v3-signed over method, URL, body and time. */
import { createHmac } from 'node:crypto';

export function hubspotWebhook(
  url: string,
  clientSecret: string,
  contactId: number,
  eventId: number,
): { body: string; headers: Record<string, string> } {
  const occurredAt = Date.now();
  const body = JSON.stringify([
    {
      eventId,
      subscriptionId: 1,
      portalId: 62515,
      appId: 1,
      occurredAt,
      subscriptionType: 'contact.creation',
      attemptNumber: 0,
      objectId: contactId,
      changeSource: 'CRM',
    },
  ]);
  const timestamp = String(Date.now());
  const signature = createHmac('sha256', clientSecret)
    .update(`POST${url}${body}${timestamp}`)
    .digest('base64');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-hubspot-signature-v3': signature,
      'x-hubspot-request-timestamp': timestamp,
    },
  };
}
