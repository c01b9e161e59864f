/** The Web UI's remote codec: what the UI sends, it gets back in clear; only for the UI's origin. */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import request from 'supertest';
import { createApp } from './app';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { AesGcmCodec } from '../runtime/dataConverter';

const key = randomBytes(32);
const appWith = (env: Record<string, string>) =>
  createApp({
    config: loadConfig({
      SWITCHBOARD_SANDBOX: 'true',
      LOG_LEVEL: 'silent',
      CODEC_ALLOW_UNAUTHENTICATED: 'true',
      ...env,
    }),
    client: {} as Client,
    logger: createLogger('silent'),
  });
const asJson = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: p.data ? Buffer.from(p.data).toString('base64') : undefined,
});

test('decode turns what Temporal stores back into the original payload; encode is its inverse', async () => {
  const app = appWith({ PAYLOAD_CODEC_KEY: key.toString('base64') });
  const plain = defaultPayloadConverter.toPayload({ email: 'ada@example.com', firstname: 'Ada' });
  const [sealed] = await new AesGcmCodec(key).encode([plain]);

  const decoded = await request(app)
    .post('/codec/decode')
    .send({ payloads: [asJson(sealed)] });
  expect(decoded.status).toBe(200);
  expect(decoded.body.payloads).toEqual([asJson(plain)]);

  const encoded = await request(app)
    .post('/codec/encode')
    .send({ payloads: [asJson(plain)] });
  expect(encoded.status).toBe(200);
  expect(encoded.body.payloads[0].data).not.toBe(asJson(plain).data);
  const roundTrip = await request(app).post('/codec/decode').send(encoded.body);
  expect(roundTrip.body.payloads).toEqual([asJson(plain)]);
});

test('CORS answers the Web UI origin only', async () => {
  const app = appWith({
    PAYLOAD_CODEC_KEY: key.toString('base64'),
    TEMPORAL_WEB_UI_URL: 'http://localhost:8233',
  });
  const preflight = await request(app)
    .options('/codec/decode')
    .set('Origin', 'http://localhost:8233')
    .set('Access-Control-Request-Method', 'POST');
  expect(preflight.status).toBe(204);
  expect(preflight.headers['access-control-allow-origin']).toBe('http://localhost:8233');
  expect(preflight.headers['access-control-allow-headers']).toMatch(/X-Namespace/);
  const other = await request(app).options('/codec/decode').set('Origin', 'https://evil.example');
  expect(other.headers['access-control-allow-origin']).toBeUndefined();
});

test('bad input is a 400; a payload sealed with another key is a 400, not a 500', async () => {
  const app = appWith({ PAYLOAD_CODEC_KEY: key.toString('base64') });
  expect((await request(app).post('/codec/decode').send({ nope: 1 })).body.error.code).toBe(
    'invalid_payloads',
  );
  const [foreign] = await new AesGcmCodec(randomBytes(32)).encode([defaultPayloadConverter.toPayload('x')]);
  const res = await request(app)
    .post('/codec/decode')
    .send({ payloads: [asJson(foreign)] });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('undecodable_payload');
});

test('no codec key: no endpoint; without CODEC_ALLOW_UNAUTHENTICATED the API key is required', async () => {
  expect((await request(appWith({})).post('/codec/decode').send({ payloads: [] })).status).toBe(404);
  const locked = createApp({
    config: loadConfig({
      SWITCHBOARD_SANDBOX: 'true',
      LOG_LEVEL: 'silent',
      PAYLOAD_CODEC_KEY: key.toString('base64'),
    }),
    client: {} as Client,
    logger: createLogger('silent'),
  });
  expect((await request(locked).post('/codec/decode').send({ payloads: [] })).status).toBe(401);
  const withKey = await request(locked)
    .post('/codec/decode')
    .set('Authorization', 'Bearer sandbox-api-key-change-me')
    .send({ payloads: [] });
  expect(withKey.status).toBe(200);
});

test('with a key ring: decodes what the old and the new key wrote; encodes with the newest key', async () => {
  const newKey = randomBytes(32);
  const app = appWith({ PAYLOAD_CODEC_KEY: `new:${newKey.toString('base64')},${key.toString('base64')}` });
  const plain = defaultPayloadConverter.toPayload({ email: 'ada@example.com' });
  const [byOld] = await new AesGcmCodec(key).encode([plain]);
  const [byNew] = await new AesGcmCodec([{ id: 'new', key: newKey }]).encode([plain]);
  const decoded = await request(app)
    .post('/codec/decode')
    .send({ payloads: [asJson(byOld), asJson(byNew)] });
  expect(decoded.status).toBe(200);
  expect(decoded.body.payloads).toEqual([asJson(plain), asJson(plain)]);

  const encoded = await request(app)
    .post('/codec/encode')
    .send({ payloads: [asJson(plain)] });
  expect(Buffer.from(encoded.body.payloads[0].metadata['encryption-key-id'], 'base64').toString()).toBe(
    'new',
  );
});
