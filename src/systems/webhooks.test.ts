/** Each sender's envelope → the events the catalog routes: ids, types and the record the event is about. */
import { WEBHOOK_SOURCES } from './webhooks';
import type { SignedRequest } from './kit/hmac';
import type { InboundEvent } from '../integrations/catalog';
import { firstZodIssue } from './kit/zodIssue';

function eventsOf(source: string, body: unknown, headers: Record<string, string> = {}): InboundEvent[] {
  const definition = WEBHOOK_SOURCES[source];
  const req: SignedRequest = { method: 'POST', url: 'https://x/', headers, rawBody: Buffer.from('') };
  return definition.toEvents(definition.envelope.parse(body), req);
}

test('stripe: event id and type from the body, the record is data.object (or its customer)', () => {
  const updated = {
    id: 'evt_1',
    type: 'customer.updated',
    created: 1_700_000_000,
    data: { object: { id: 'cus_9' } },
  };
  expect(eventsOf('stripe', updated)).toEqual([
    expect.objectContaining({
      eventId: 'evt_1',
      eventType: 'customer.updated',
      recordId: 'cus_9',
      occurredAt: 1_700_000_000_000,
    }),
  ]);
  const noId = { ...updated, data: { object: { customer: 'cus_7' } } };
  expect(eventsOf('stripe', noId)[0].recordId).toBe('cus_7');
});

test('github: type and delivery id from the headers', () => {
  const headers = { 'x-github-event': 'issues', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958' };
  expect(eventsOf('github', { action: 'opened' }, headers)).toEqual([
    expect.objectContaining({ eventId: headers['x-github-delivery'], eventType: 'issues' }),
  ]);
});

test('shopify: topic and webhook id from the headers, the record is the resource id', () => {
  const headers = { 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': 'e-1' };
  expect(eventsOf('shopify', { id: 450789469 }, headers)).toEqual([
    expect.objectContaining({ eventId: 'e-1', eventType: 'orders/create', recordId: '450789469' }),
  ]);
  // The privacy topics carry no resource id and are still accepted.
  const redact = { 'x-shopify-topic': 'shop/redact', 'x-shopify-webhook-id': 'w-1' };
  expect(eventsOf('shopify', { shop_id: 1 }, redact)[0].recordId).toBeUndefined();
});

test('slack: url_verification is a handshake; event_callback carries its inner event', () => {
  const slack = WEBHOOK_SOURCES.slack;
  expect(slack.handshake?.(slack.envelope.parse({ type: 'url_verification', challenge: 'c-1' }))).toEqual({
    challenge: 'c-1',
  });
  const callback = { type: 'event_callback', event_id: 'Ev1', event_time: 1, event: { type: 'app_mention' } };
  expect(slack.handshake?.(slack.envelope.parse(callback))).toBeUndefined();
  expect(eventsOf('slack', callback)).toEqual([
    expect.objectContaining({ eventId: 'Ev1', eventType: 'app_mention', occurredAt: 1000 }),
  ]);
  expect(eventsOf('slack', { type: 'app_rate_limited', minute_rate_limited: 1 })).toEqual([]);
  expect(slack.envelope.safeParse({ type: 'event_callback', event_id: 'Ev1' }).success).toBe(false);
});

test('shipbob and standard: the message id from webhook-id; shipbob orders by reference_id', () => {
  const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000' };
  const shipped = {
    type: 'order.shipped',
    timestamp: '2024-01-01T00:00:00Z',
    data: { order_id: 5, reference_id: '4507' },
  };
  expect(eventsOf('shipbob', shipped, headers)).toEqual([
    expect.objectContaining({
      eventId: 'msg_1',
      eventType: 'order.shipped',
      recordId: '4507',
      occurredAt: Date.parse('2024-01-01T00:00:00Z'),
    }),
  ]);
  expect(
    WEBHOOK_SOURCES.shipbob.envelope.safeParse({ type: 'order.shipped', data: { order_id: 5 } }).success,
  ).toBe(false);
  expect(eventsOf('standard', { type: 'invoice.paid', data: { id: 'in_1' } }, headers)).toEqual([
    expect.objectContaining({
      eventId: 'msg_1',
      eventType: 'invoice.paid',
      recordId: 'in_1',
      occurredAt: 1_700_000_000_000,
    }),
  ]);
});

test('zendesk: the ticket is detail.id; a ticket event without it is refused', () => {
  expect(eventsOf('zendesk', { id: 'z-1', type: 'ticket.solved', detail: { id: '5001' } })).toEqual([
    expect.objectContaining({ eventId: 'z-1', eventType: 'ticket.solved', recordId: '5001' }),
  ]);
  expect(WEBHOOK_SOURCES.zendesk.envelope.safeParse({ id: 'z-1', type: 'ticket.solved' }).success).toBe(
    false,
  );
});

test('generic: Switchboard’s own {id, type, recordId, data}', () => {
  expect(eventsOf('generic', { id: 'e-1', type: 'invoice.created', recordId: 42, data: { a: 1 } })).toEqual([
    expect.objectContaining({
      source: 'generic',
      eventId: 'e-1',
      eventType: 'invoice.created',
      recordId: '42',
    }),
  ]);
  expect(WEBHOOK_SOURCES.generic.envelope.safeParse({ type: 'x' }).success).toBe(false);
});

/** What the gateway answers (400 invalid_payload) when an id that would reach a workflow id is refused. */
function refusal(source: string, body: unknown): string | undefined {
  const parsed = WEBHOOK_SOURCES[source].envelope.safeParse(body);
  return parsed.success ? undefined : firstZodIssue(parsed.error, 'body');
}

const long = '1'.repeat(1_000);
test.each([
  [
    'hubspot',
    [{ eventId: 1, occurredAt: 1, subscriptionType: 'contact.creation', objectId: long }],
    '0.objectId: a HubSpot object id (a whole number, or 1–20 digits)',
  ],
  [
    'hubspot',
    [{ eventId: 1, occurredAt: 1, subscriptionType: 'contact.creation', objectId: 2 ** 53 + 2 }],
    '0.objectId: a HubSpot object id (a whole number, or 1–20 digits)',
  ],
  [
    'hubspot',
    [{ eventId: 'x'.repeat(201), occurredAt: 1, subscriptionType: 'contact.creation', objectId: 1 }],
    '0.eventId: a HubSpot event id (a number, or 1–200 printable characters)',
  ],
  ['shopify', { id: 'gid://shopify/Order/1' }, 'id: a Shopify resource id (a whole number, or 1–20 digits)'],
  [
    'stripe',
    { id: 'evt_1', type: 'customer.updated', created: 1, data: { object: { id: 'cus 1' } } },
    'data.object.id: a Stripe object id (a Stripe id: 1–255 letters, digits, _ . -)',
  ],
  [
    'stripe',
    { id: 'evt_1', type: 'invoice.paid', created: 1, data: { object: { customer: 'c'.repeat(256) } } },
    'data.object.customer: a Stripe customer id (a Stripe id: 1–255 letters, digits, _ . -)',
  ],
  [
    'zendesk',
    { id: 'z-1', type: 'ticket.solved', detail: { id: 'ticket-5001' } },
    'detail.id: a Zendesk ticket id (a whole number, or 1–20 digits)',
  ],
  [
    'zendesk',
    { id: 'z\u0000', type: 'ticket.solved', detail: { id: 5001 } },
    'id: a Zendesk event id (a number, or 1–200 printable characters)',
  ],
  [
    'shipbob',
    { type: 'order.shipped', data: { order_id: 5, reference_id: long } },
    'data.reference_id: a ShipBob reference id (1–200 printable characters)',
  ],
  [
    'shipbob',
    { type: 'order.shipped', data: { order_id: 'five', reference_id: '4507' } },
    'data.order_id: a ShipBob order id (a whole number, or 1–20 digits)',
  ],
  [
    'standard',
    { type: 'invoice.paid', data: { id: 'in_\ud800' } },
    'data.id: a record id (1–200 printable characters)',
  ],
  [
    'slack',
    { type: 'event_callback', event_id: long, event_time: 1, event: { type: 'app_mention' } },
    'event_id: a Slack event id (1–200 printable characters)',
  ],
  [
    'generic',
    { id: 'e-1', type: 'invoice.created', recordId: 'line\u2028break', data: {} },
    'recordId: a record id (1–200 printable characters)',
  ],
])('%s: an id that would make a bad workflow id is refused, naming the field', (source, body, message) => {
  expect(refusal(source, body)).toBe(message);
});

test('the ids senders really send are accepted', () => {
  expect(
    refusal('hubspot', [
      { eventId: 100, occurredAt: 1, subscriptionType: 'contact.creation', objectId: 123 },
      {
        eventId: '100',
        occurredAt: 1,
        subscriptionType: 'contact.creation',
        objectId: '12345678901234567890',
      },
    ]),
  ).toBeUndefined();
  expect(refusal('shopify', { id: 820982911946154 })).toBeUndefined();
  for (const id of ['cus_NffrFeUfNV2Hib', 'cs_test_a1b2C3', 'transfers', 'balance.summary.1', 'gold-plan'])
    expect(
      refusal('stripe', { id: 'evt_1', type: 'x', created: 1, data: { object: { id } } }),
    ).toBeUndefined();
  expect(
    refusal('zendesk', {
      id: 'cbe4028c-7239-495d-b020-f22348516046',
      type: 'ticket.solved',
      detail: { id: '5001' },
    }),
  ).toBeUndefined();
  expect(
    refusal('shipbob', { type: 'order.shipped', data: { order_id: 5, reference_id: 'Order #1001 – Ada' } }),
  ).toBeUndefined();
});

test('a delivery id or event type header over 200 characters → 400 invalid_header naming it', () => {
  const headers = { 'x-github-event': 'issues', 'x-github-delivery': 'd'.repeat(201) };
  expect(() => eventsOf('github', { action: 'opened' }, headers)).toThrow(
    expect.objectContaining({
      status: 400,
      code: 'invalid_header',
      message: 'x-github-delivery: 1–200 printable characters',
    }),
  );
  const message = { 'webhook-id': 'm'.repeat(201), 'webhook-timestamp': '1700000000' };
  expect(() => eventsOf('standard', { type: 'invoice.paid', data: {} }, message)).toThrow(
    expect.objectContaining({ status: 400, code: 'invalid_header' }),
  );
});
