/**
 * Rotating PAYLOAD_CODEC_KEY under an open run, as an operator does it: the workers are restarted with the
 * new key first and the old one kept, while a run written with the old key waits for its next event. The
 * run carries on, its whole history decodes with the new ring (the Web UI's codec endpoint included),
 * and what is written after the rotation carries the new key's id — unreadable with the old key alone.
 */
import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { NativeConnection } from '@temporalio/worker';
import request from 'supertest';
import {
  AesGcmCodec,
  dataConverter,
  derivedKeyId,
  KEY_ID_METADATA,
  parseCodecKeyRing,
} from './dataConverter';
import type { WorkerSet } from './workers';
import type { Config } from '../config';
import { createApp } from '../gateway/app';
import { orderFulfillmentWorkflowId } from '../integrations/order-fulfillment/definition';
import type { OrderFulfillmentResult } from '../integrations/order-fulfillment/workflow';
import {
  createTestWorkers,
  eventually,
  sandboxControl,
  silentLogger,
  startStack,
  stopStackWorkers,
  temporalAddress,
  TestStack,
} from '../../test/helpers/stack';

const oldKey = randomBytes(32);
const newKey = randomBytes(32);
/** Before: today's format, one bare key (known by its derived id). */
const OLD_RING = oldKey.toString('base64');
/** After: the new key first, the old one kept. */
const NEW_KEY_ID = 'rotated-2';
const NEW_RING = `${NEW_KEY_ID}:${newKey.toString('base64')},${OLD_RING}`;
const OLD_KEY_ID = derivedKeyId(oldKey);

let stack: TestStack;
let rotated: { config: Config; client: Client; connection: Connection; native: NativeConnection };
let rotatedWorkers: WorkerSet | undefined;
let rotatedRunning: Promise<void> = Promise.resolve();
beforeAll(async () => {
  stack = await startStack({ env: { PAYLOAD_CODEC_KEY: OLD_RING } });
});
afterAll(async () => {
  rotatedWorkers?.shutdown();
  await rotatedRunning;
  await rotated?.native.close();
  await rotated?.connection.close();
  await stack?.stop();
});

const control = (path: string, body: unknown) =>
  sandboxControl(stack, 'POST', path, body) as Promise<Record<string, unknown>>;

/** Restarts the workers of this process with the rotated ring: the old ones drain and stop first. */
async function rotateWorkers(): Promise<void> {
  await stopStackWorkers(stack);
  const config: Config = { ...stack.config, temporal: { ...stack.config.temporal, codecKey: NEW_RING } };
  const address = temporalAddress();
  const connection = await Connection.connect({ address });
  const native = await NativeConnection.connect({ address });
  const client = new Client({
    connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverter(config.temporal),
  });
  rotated = { config, client, connection, native };
  rotatedWorkers = await createTestWorkers(config, native);
  rotatedRunning = rotatedWorkers.run();
}

interface StoredPayload {
  eventId: number;
  payload: Payload;
}

/** Every payload of a history as the server stores it (proto JSON, as the Web UI reads it). */
function storedPayloads(historyJson: string): StoredPayload[] {
  const found: StoredPayload[] = [];
  const walk = (node: unknown, eventId: number): void => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, eventId));
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const metadata = o.metadata as Record<string, unknown> | undefined;
    if (metadata && typeof metadata === 'object' && typeof metadata.encoding === 'string') {
      found.push({
        eventId,
        payload: {
          metadata: Object.fromEntries(
            Object.entries(metadata).map(([k, v]) => [k, Buffer.from(String(v), 'base64')]),
          ),
          data: typeof o.data === 'string' ? Buffer.from(o.data, 'base64') : undefined,
        },
      });
      return;
    }
    for (const value of Object.values(o)) walk(value, eventId);
  };
  const { events } = JSON.parse(historyJson) as { events: Record<string, unknown>[] };
  for (const event of events) walk(event, Number(event.eventId));
  return found;
}

const isEncrypted = (p: Payload) => Buffer.from(p.metadata?.encoding ?? []).toString() === 'binary/encrypted';
const keyIdOf = (p: Payload) => Buffer.from(p.metadata?.[KEY_ID_METADATA] ?? []).toString();
const base64Json = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: p.data ? Buffer.from(p.data).toString('base64') : undefined,
});

test('workers restarted with a rotated key ring finish a run the old key started; its history decodes with the new ring', async () => {
  // A Shopify order: the run starts (gateway, old key), creates the ShipBob order (old workers), then waits.
  const placed = await control('shopify/orders', {
    line_items: [{ sku: 'SB-MUG', title: 'Mug', quantity: 1 }],
  });
  const orderId = String((placed.order as { id: number }).id);
  expect((placed.webhook as { status: number }).status).toBe(202);
  const workflowId = orderFulfillmentWorkflowId(orderId);
  await eventually(
    async () =>
      (await stack.client.workflow.getHandle(workflowId).query<{ stage: string }>('progress')).stage ===
        'waiting for the shipment' || undefined,
    30_000,
    'the run to wait for the shipment',
  );

  await rotateWorkers();

  // ShipBob ships: its webhook reaches the gateway, which has not been restarted yet (old key) — the
  // rolling-deploy case the kept old key is for.
  const trackingNumber = `1Z${Date.now()}`;
  const shipped = await control('shipbob/ship', { referenceId: orderId, trackingNumber, carrier: 'UPS' });
  expect((shipped.webhook as { status: number }).status).toBe(202);

  const handle = rotated.client.workflow.getHandle(workflowId);
  await expect(handle.result() as Promise<OrderFulfillmentResult>).resolves.toMatchObject({
    orderId,
    outcome: 'fulfilled',
    trackingNumber,
  });
  expect(stack.sandbox.shopify.fulfillments.get(Number(orderId))).toHaveLength(1);

  const historyJson = historyToJSON(await handle.fetchHistory());
  const stored = storedPayloads(historyJson);
  const encrypted = stored.filter((s) => isEncrypted(s.payload));
  expect(encrypted.length).toBeGreaterThan(5);
  expect(historyJson).not.toContain('Ada Lovelace'); // the recipient, in clear nowhere

  // The whole history decodes with the new ring, payload by payload, into values.
  const ring = new AesGcmCodec(parseCodecKeyRing(NEW_RING));
  const decoded = await ring.decode(stored.map((s) => s.payload));
  for (const payload of decoded) expect(() => defaultPayloadConverter.fromPayload(payload)).not.toThrow();
  expect(JSON.stringify(decoded.map((p) => Buffer.from(p.data ?? []).toString()))).toContain(trackingNumber);

  // Before the signal: the old key's id; the signal itself came from the old gateway; everything the
  // rotated workers wrote after it carries the new key's id.
  const { events } = JSON.parse(historyJson) as { events: Record<string, unknown>[] };
  const signaled = Number(events.find((e) => e.workflowExecutionSignaledEventAttributes)!.eventId);
  const idsBefore = new Set(encrypted.filter((s) => s.eventId <= signaled).map((s) => keyIdOf(s.payload)));
  const after = encrypted.filter((s) => s.eventId > signaled);
  expect(idsBefore).toEqual(new Set([OLD_KEY_ID]));
  expect(after.length).toBeGreaterThan(0);
  expect(new Set(after.map((s) => keyIdOf(s.payload)))).toEqual(new Set([NEW_KEY_ID]));
  const completed = events.at(-1)!;
  expect(completed.workflowExecutionCompletedEventAttributes).toBeDefined();
  const result = after.filter((s) => s.eventId === Number(completed.eventId));
  expect(result.map((s) => keyIdOf(s.payload))).toEqual([NEW_KEY_ID]);
  // The old key alone cannot read what was written after the rotation.
  await expect(new AesGcmCodec(oldKey).decode([after.at(-1)!.payload])).rejects.toThrow(
    new RegExp(`key id ${NEW_KEY_ID}`),
  );

  // The Web UI's codec endpoint, configured with the same ring, decodes the same history the same way.
  const gateway = createApp({
    config: { ...rotated.config, codecAllowUnauthenticated: true },
    client: rotated.client,
    logger: silentLogger,
  });
  const res = await request(gateway)
    .post('/codec/decode')
    .send({ payloads: stored.map((s) => base64Json(s.payload)) });
  expect(res.status).toBe(200);
  expect(res.body.payloads).toEqual(decoded.map(base64Json));

  // A gateway whose ring lacks the key that sealed the result (the new key dropped again) cannot read
  // it: the runs API says so with a stable code and the key's id, never the payload, not a bare 500.
  const withoutNewKey = createApp({ config: stack.config, client: stack.client, logger: silentLogger });
  const described = await request(withoutNewKey)
    .get(`/runs/${encodeURIComponent(workflowId)}`)
    .set('authorization', `Bearer ${stack.config.apiKeys[0]}`);
  expect(described.status).toBe(500);
  expect(described.body.error).toEqual({
    code: 'undecodable_payload',
    message: expect.stringContaining(`key id ${NEW_KEY_ID} that no key of PAYLOAD_CODEC_KEY opens`),
  });
  expect(JSON.stringify(described.body)).not.toContain(trackingNumber);
});
