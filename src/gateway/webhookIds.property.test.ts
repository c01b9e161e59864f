/**
 * Property test of the ids that reach Temporal (fast-check + supertest). Correctly signed HubSpot, Shopify,
 * Stripe, Zendesk and ShipBob deliveries of events an integration subscribes to carry ids of every length
 * (0 to 5,000) and character class (digits, ASCII, other Unicode, 4-byte characters, control characters,
 * line separators, lone surrogates) and numbers of every kind. The gateway answers 202 or 400, never a
 * 5xx; it answers 202 exactly when every id is one the sender's documentation allows; and every workflow
 * it starts has an id Temporal accepts.
 *
 * Temporal is a stand-in here that refuses what the dev server refuses (measured on CLI 1.9.1 / server
 * 1.32, see src/runtime/calls.ts): a workflow id over 1,000 UTF-8 bytes, a keyword search attribute over
 * 2,048 bytes, a workflow id that is not valid UTF-8. webhookIds.int.test.ts checks the same limits on the
 * live dev server.
 */
import { ServiceError, type Client } from '@temporalio/client';
import type { TypedSearchAttributes } from '@temporalio/common';
import fc from 'fast-check';
import request from 'supertest';
import { loadConfig } from '../config';
import { useGatewayServer } from '../../test/helpers/gatewayServer';
import {
  hubspotHeaders,
  shopifyHeaders,
  standardWebhookHeaders,
  stripeHeaders,
  zendeskHeaders,
} from '../../test/helpers/webhookSigning';

const PUBLIC_URL = 'https://hooks.example.com';
const config = loadConfig({ SWITCHBOARD_SANDBOX: 'true', LOG_LEVEL: 'silent', PUBLIC_BASE_URL: PUBLIC_URL });

/** The dev server's limits (bytes). */
const MAX_WORKFLOW_ID_BYTES = 1000;
const MAX_KEYWORD_BYTES = 2048;

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
/** Valid UTF-8 once encoded: no unpaired surrogate (TextEncoder would replace it with U+FFFD). */
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

interface Call {
  kind: 'start' | 'signalWithStart';
  workflowId: string;
  searchAttributes: Record<string, string>;
}

/** Temporal stand-in: accepts what the dev server accepts, and refuses (gRPC-shaped, as the SDK wraps it) the rest. */
function strictTemporal() {
  const calls: Call[] = [];
  const refusals: string[] = [];
  const refuse = (kind: string, code: number, details: string) => {
    refusals.push(details);
    return Promise.reject(
      new ServiceError(`Failed to ${kind} Workflow`, {
        cause: Object.assign(new Error(`${code} ${details}`), { code, details }),
      }),
    );
  };
  const call =
    (kind: Call['kind']) =>
    async (_type: unknown, opts: { workflowId: string; typedSearchAttributes?: TypedSearchAttributes }) => {
      const { workflowId } = opts;
      if (!wellFormed(workflowId))
        return refuse(kind, 13, 'grpc: error unmarshalling request: string field contains invalid UTF-8');
      if (bytes(workflowId) > MAX_WORKFLOW_ID_BYTES)
        return refuse(
          kind,
          3,
          `WorkflowId exceeds maximum allowed length (${bytes(workflowId)}/${MAX_WORKFLOW_ID_BYTES})`,
        );
      const searchAttributes: Record<string, string> = {};
      for (const { key, value } of opts.typedSearchAttributes?.getAll() ?? []) {
        const size = bytes(JSON.stringify(value));
        if (size > MAX_KEYWORD_BYTES)
          return refuse(
            kind,
            3,
            `search attribute ${key.name} value size ${size} exceeds size limit ${MAX_KEYWORD_BYTES}`,
          );
        searchAttributes[key.name] = String(value);
      }
      calls.push({ kind, workflowId, searchAttributes });
      return kind === 'start'
        ? { workflowId, firstExecutionRunId: 'run-1' }
        : { workflowId, signaledRunId: 'run-1' };
    };
  const client = {
    workflow: { start: call('start'), signalWithStart: call('signalWithStart') },
    withDeadline: <R>(_deadline: number, fn: () => Promise<R>) => fn(),
  };
  return { client: client as unknown as Client, calls, refusals };
}

const temporal = strictTemporal();
const server = useGatewayServer(config, temporal.client);

// ---- ids of every length and character class ----

const codePoint = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCodePoint(c));
const CHARACTER_CLASSES = {
  digits: codePoint(0x30, 0x39),
  ascii: codePoint(0x20, 0x7e),
  unicode: fc.oneof(codePoint(0xa0, 0xd7ff), codePoint(0xe000, 0xfffd)),
  astral: codePoint(0x10000, 0x10ffff),
  control: fc.oneof(codePoint(0x00, 0x1f), codePoint(0x7f, 0x9f)),
  separator: fc.constantFrom('\u2028', '\u2029'),
  loneSurrogate: codePoint(0xd800, 0xdfff), // String.fromCodePoint of a surrogate is a lone one
};
const anyCharacter = fc.oneof(...Object.values(CHARACTER_CLASSES));
const character = fc.oneof(
  { arbitrary: fc.constantFrom(...Object.values(CHARACTER_CLASSES)), weight: 3 },
  { arbitrary: fc.constant(anyCharacter), weight: 1 },
);
/** Lengths around every bound that matters: empty, short, 20 digits, 200, 255, 1,000 bytes, very long. */
const length = fc.oneof(
  fc.integer({ min: 0, max: 25 }),
  fc.integer({ min: 190, max: 260 }),
  fc.integer({ min: 320, max: 520 }),
  fc.integer({ min: 980, max: 1_020 }),
  fc.integer({ min: 1_000, max: 5_000 }),
);
/** A string of `length` UTF-16 units drawn from one class (or all mixed); a cut may leave a lone surrogate. */
const stringId = fc.tuple(character, length).chain(([chars, n]) =>
  fc.array(chars, { minLength: 1, maxLength: 16 }).map((seed) =>
    seed
      .join('')
      .repeat(Math.ceil(n / Math.max(1, seed.join('').length)))
      .slice(0, n),
  ),
);
const numberId = fc.oneof(
  fc.nat(),
  fc.maxSafeNat(),
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  // Beyond 2^53, and Shopify's sample order id as JSON.parse rounds it.
  fc.constantFrom(2 ** 53, 2 ** 53 + 2, Number('820982911946154508'), 1e21, 0.5),
);
/** Ids shaped like real ones, so that deliveries where every id is valid are common too. */
const plausibleId = fc.oneof(
  fc.maxSafeNat(),
  fc.stringMatching(/^\d{1,20}$/),
  fc.stringMatching(/^[a-z]{2,6}_[A-Za-z0-9]{8,24}$/),
);
const anyId = fc.oneof(
  { arbitrary: stringId, weight: 3 },
  { arbitrary: numberId, weight: 1 },
  { arbitrary: plausibleId, weight: 3 },
);
/** Header values (delivery ids): Node sends visible ASCII only, so every length of that (an empty one is no header). */
const headerId = fc.oneof(
  fc
    .tuple(
      fc.array(codePoint(0x21, 0x7e), { minLength: 1, maxLength: 16 }),
      length.map((n) => Math.max(1, n)),
    )
    .map(([seed, n]) =>
      seed
        .join('')
        .repeat(Math.ceil(n / seed.length))
        .slice(0, n),
    ),
  fc.uuid(),
  fc.stringMatching(/^msg_[A-Za-z0-9]{27}$/),
);

// ---- what each sender's documentation allows (the oracle, written apart from the schemas) ----

const unprintable = (c: number) => c <= 0x1f || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029;
const PRINTABLE = (s: string) => wellFormed(s) && ![...s].some((ch) => unprintable(ch.codePointAt(0)!));
const digitsOrSafeInteger = (v: unknown) =>
  typeof v === 'number' ? Number.isSafeInteger(v) && v >= 0 : typeof v === 'string' && /^\d{1,20}$/.test(v);
const opaque = (v: unknown, max = 200) =>
  typeof v === 'string' && v.length >= 1 && v.length <= max && PRINTABLE(v);
const numberOrOpaque = (v: unknown) => typeof v === 'number' || opaque(v);
const stripeId = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9_.-]{1,255}$/.test(v);
const headerOk = (v: string) => v.length >= 1 && v.length <= 200;

interface Delivery {
  source: string;
  body: string;
  headers: Record<string, string>;
  /** Whether every id is one the sender may send. */
  valid: boolean;
  /** The workflow the event starts when accepted. */
  workflowId: string;
  recordId: string;
}

const now = () => new Date();

const deliveries: Record<string, fc.Arbitrary<Delivery>> = {
  hubspot: fc.record({ objectId: anyId, eventId: anyId }).map(({ objectId, eventId }) => {
    const body = JSON.stringify([
      { eventId, objectId, occurredAt: Date.now(), subscriptionType: 'contact.creation' },
    ]);
    return {
      source: 'hubspot',
      body,
      headers: hubspotHeaders(`${PUBLIC_URL}/webhooks/hubspot`, body, config.webhookSecrets.hubspot[0]),
      valid: digitsOrSafeInteger(objectId) && numberOrOpaque(eventId),
      workflowId: `contact-sync/hubspot/contact-${String(objectId)}`,
      recordId: String(objectId),
    };
  }),
  shopify: fc.record({ id: anyId, webhookId: headerId }).map(({ id, webhookId }) => {
    const body = JSON.stringify({ id, name: '#1001' });
    return {
      source: 'shopify',
      body,
      headers: shopifyHeaders(body, config.webhookSecrets.shopify[0], 'orders/create', webhookId),
      valid: digitsOrSafeInteger(id) && headerOk(webhookId),
      workflowId: `order-fulfillment/shopify/order-${String(id)}`,
      recordId: String(id),
    };
  }),
  stripe: fc
    .record({ id: anyId, eventId: fc.oneof(anyId, fc.constant('evt_1NG8Du2eZvKYlo2CUI79vXWy')) })
    .map(({ id, eventId }) => {
      const body = JSON.stringify({
        id: eventId,
        object: 'event',
        type: 'customer.updated',
        created: Math.floor(Date.now() / 1000),
        data: { object: { id, object: 'customer' }, previous_attributes: { address: null } },
      });
      return {
        source: 'stripe',
        body,
        headers: stripeHeaders(body, config.webhookSecrets.stripe),
        valid: stripeId(id) && stripeId(eventId),
        workflowId: `address-propagation/stripe/${String(id)}`,
        recordId: String(id),
      };
    }),
  zendesk: fc.record({ ticketId: anyId, eventId: anyId }).map(({ ticketId, eventId }) => {
    const body = JSON.stringify({
      id: eventId,
      type: 'ticket.solved',
      time: now().toISOString(),
      detail: { id: ticketId },
    });
    return {
      source: 'zendesk',
      body,
      headers: zendeskHeaders(body, config.webhookSecrets.zendesk[0]),
      valid: digitsOrSafeInteger(ticketId) && numberOrOpaque(eventId),
      workflowId: `ticket-survey/zendesk/ticket-${String(ticketId)}`,
      recordId: String(ticketId),
    };
  }),
  shipbob: fc
    .record({ referenceId: anyId, orderId: anyId, messageId: headerId })
    .map(({ referenceId, orderId, messageId }) => {
      const body = JSON.stringify({
        type: 'order.shipped',
        timestamp: now().toISOString(),
        data: { order_id: orderId, reference_id: referenceId, tracking: { tracking_number: '1Z999' } },
      });
      return {
        source: 'shipbob',
        body,
        headers: standardWebhookHeaders(body, config.webhookSecrets.shipbob, now(), messageId),
        valid: numberOrOpaque(referenceId) && digitsOrSafeInteger(orderId) && headerOk(messageId),
        workflowId: `order-fulfillment/shopify/order-${String(referenceId)}`,
        recordId: String(referenceId),
      };
    }),
};

test('signed ids of every length and character class: 202 exactly for valid ids, else 400; Temporal refuses none', async () => {
  const statuses: Record<string, number[]> = {};
  await fc.assert(
    fc.asyncProperty(fc.oneof(...Object.values(deliveries)), async (d) => {
      temporal.calls.length = 0;
      const res = await request(server())
        .post(`/webhooks/${d.source}`)
        .timeout(5000)
        .set({ ...d.headers, 'content-type': 'application/json' })
        .send(d.body);
      (statuses[d.source] ??= []).push(res.status);
      expect([202, 400]).toContain(res.status);
      expect(temporal.refusals).toEqual([]);
      if (res.status === 400) {
        expect(['invalid_payload', 'invalid_header']).toContain(res.body.error?.code);
        expect(temporal.calls).toEqual([]);
      }
      expect(res.status === 202).toBe(d.valid);
      if (res.status !== 202) return;
      expect(temporal.calls.map((c) => c.workflowId)).toEqual([d.workflowId]);
      for (const c of temporal.calls) {
        expect(bytes(c.workflowId)).toBeLessThanOrEqual(MAX_WORKFLOW_ID_BYTES);
        expect(wellFormed(c.workflowId) && PRINTABLE(c.workflowId)).toBe(true);
        expect(c.searchAttributes.RecordId).toBe(d.recordId);
      }
    }),
    { numRuns: 600 },
  );
  // Every sender was exercised on both sides: ids accepted and ids refused.
  const count = (source: string, status: number) =>
    (statuses[source] ?? []).filter((s) => s === status).length;
  const tooFew = Object.keys(deliveries).filter((s) => count(s, 202) < 10 || count(s, 400) < 10);
  expect(tooFew.map((s) => `${s}: ${count(s, 202)} accepted, ${count(s, 400)} refused`)).toEqual([]);
});

test('the issue: a signed HubSpot event whose objectId is 1,000+ characters → 400 naming the field', async () => {
  temporal.calls.length = 0;
  const body = JSON.stringify([
    { eventId: 1, objectId: '9'.repeat(1_000), occurredAt: Date.now(), subscriptionType: 'contact.creation' },
  ]);
  const res = await request(server())
    .post('/webhooks/hubspot')
    .set(hubspotHeaders(`${PUBLIC_URL}/webhooks/hubspot`, body, config.webhookSecrets.hubspot[0]))
    .send(body);
  expect(res.status).toBe(400);
  expect(res.body).toEqual({
    error: {
      code: 'invalid_payload',
      message: '0.objectId: a HubSpot object id (a whole number, or 1–20 digits)',
    },
  });
  expect(temporal.calls).toEqual([]);
});

test('the longest ids accepted still make workflow ids Temporal accepts', async () => {
  // 200 three-byte characters (600 bytes) as a ShipBob reference, 255 characters as a Stripe id.
  const cases: Delivery[] = [
    {
      source: 'shipbob',
      body: JSON.stringify({
        type: 'order.shipped',
        timestamp: now().toISOString(),
        data: { order_id: 1, reference_id: '€'.repeat(200) },
      }),
      headers: {},
      valid: true,
      workflowId: `order-fulfillment/shopify/order-${'€'.repeat(200)}`,
      recordId: '€'.repeat(200),
    },
    {
      source: 'stripe',
      body: JSON.stringify({
        id: 'evt_1',
        type: 'customer.updated',
        created: 1,
        data: { object: { id: `cus_${'a'.repeat(251)}` } },
      }),
      headers: {},
      valid: true,
      workflowId: `address-propagation/stripe/cus_${'a'.repeat(251)}`,
      recordId: `cus_${'a'.repeat(251)}`,
    },
  ];
  for (const d of cases) {
    temporal.calls.length = 0;
    const headers =
      d.source === 'shipbob'
        ? standardWebhookHeaders(d.body, config.webhookSecrets.shipbob)
        : stripeHeaders(d.body, config.webhookSecrets.stripe);
    const res = await request(server())
      .post(`/webhooks/${d.source}`)
      .set({ ...headers, 'content-type': 'application/json' })
      .send(d.body);
    expect(res.status).toBe(202);
    expect(temporal.calls.map((c) => c.workflowId)).toEqual([d.workflowId]);
  }
  expect(temporal.refusals).toEqual([]);
});
