/**
 * One signed, well-formed webhook of any event type from any sender, for tests that care about routing
 * rather than a sender's payload (the scaffold's end-to-end tests): the record id lands where that
 * sender's envelope names its record, so the gateway's InboundEvent carries it as `recordId`.
 */
import type { TestStack } from './stack';
import {
  genericHeaders,
  githubHeaders,
  Headers,
  hubspotHeaders,
  shopifyHeaders,
  slackHeaders,
  standardWebhookHeaders,
  stripeHeaders,
  zendeskHeaders,
} from './webhookSigning';

export interface SampleDelivery {
  status: number;
  body: {
    events?: { status: string; runs: { integration: string; workflowId: string; duplicate: boolean }[] }[];
  };
}

function sampleBody(source: string, eventType: string, recordId: string, eventId: string): unknown {
  const now = new Date();
  switch (source) {
    case 'hubspot':
      return [
        {
          eventId: Number(eventId.replace(/\D/g, '').slice(-12) || 1),
          subscriptionType: eventType,
          objectId: Number(recordId),
          occurredAt: now.getTime(),
        },
      ];
    case 'stripe':
      return {
        id: `evt_${eventId}`,
        type: eventType,
        created: Math.floor(now.getTime() / 1000),
        data: { object: { id: recordId } },
      };
    case 'slack':
      return {
        type: 'event_callback',
        team_id: 'T1',
        event_id: `Ev${eventId}`,
        event_time: Math.floor(now.getTime() / 1000),
        event: { type: eventType, item: recordId },
      };
    case 'zendesk':
      return { id: eventId, type: eventType, time: now.toISOString(), detail: { id: recordId } };
    case 'standard':
    case 'shipbob':
      return {
        type: eventType,
        timestamp: now.toISOString(),
        data: { id: recordId, reference_id: recordId },
      };
    case 'generic':
      return { id: eventId, type: eventType, recordId, data: {} };
    default: // github, shopify: the resource itself, the type in a header
      return { id: Number(recordId), action: 'created' };
  }
}

function signatureHeaders(stack: TestStack, source: string, eventType: string, payload: string): Headers {
  const secrets = stack.config.webhookSecrets;
  switch (source) {
    case 'hubspot':
      return hubspotHeaders(
        `${stack.config.publicBaseUrl ?? stack.gatewayUrl}/webhooks/hubspot`,
        payload,
        secrets.hubspot[0],
      );
    case 'stripe':
      return stripeHeaders(payload, secrets.stripe);
    case 'github':
      return githubHeaders(payload, secrets.github[0], eventType);
    case 'shopify':
      return shopifyHeaders(payload, secrets.shopify[0], eventType);
    case 'slack':
      return slackHeaders(payload, secrets.slack[0]);
    case 'zendesk':
      return zendeskHeaders(payload, secrets.zendesk[0]);
    case 'standard':
    case 'shipbob':
      return standardWebhookHeaders(payload, secrets[source]);
    case 'generic':
      return genericHeaders(payload, secrets.generic[0], stack.config.genericWebhook);
    default:
      throw new Error(`no sample signing for webhook source ${source}`);
  }
}

let n = 0;
/** Posts a signed `eventType` event about `recordId` from `source` to the stack's gateway. */
export async function deliverSample(
  stack: TestStack,
  source: string,
  eventType: string,
  recordId: string,
): Promise<SampleDelivery> {
  const eventId = `${Date.now()}${++n}`;
  const payload = JSON.stringify(sampleBody(source, eventType, recordId, eventId));
  const res = await fetch(`${stack.gatewayUrl}/webhooks/${source}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signatureHeaders(stack, source, eventType, payload) },
    body: payload,
  });
  return { status: res.status, body: (await res.json()) as SampleDelivery['body'] };
}
