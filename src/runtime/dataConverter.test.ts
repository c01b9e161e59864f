import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { DefaultPayloadConverter, type Payload } from '@temporalio/common';
import {
  AesGcmCodec,
  dataConverter,
  derivedKeyId,
  KEY_ID_METADATA,
  parseCodecKeyRing,
  payloadCodecs,
  workflowFailureConverterPath,
} from './dataConverter';
import { type Config, loadConfig } from '../config';

const converter = new DefaultPayloadConverter();

test('payloads are encrypted: the record never appears in clear, and decode restores it exactly', async () => {
  const codec = new AesGcmCodec(randomBytes(32));
  const record = { email: 'ada@example.com', firstname: 'Ada' };
  const payload = converter.toPayload(record);
  const [encrypted] = await codec.encode([payload]);
  expect(Buffer.from(encrypted.data!).toString('latin1')).not.toContain('ada@example.com');
  expect(Buffer.from(encrypted.metadata!.encoding!).toString()).toBe('binary/encrypted');
  const [decoded] = await codec.decode([encrypted]);
  expect(converter.fromPayload(decoded)).toEqual(record);
});

test('a payload encrypted with another key fails to decode instead of yielding garbage', async () => {
  const [encrypted] = await new AesGcmCodec(randomBytes(32)).encode([converter.toPayload('secret')]);
  await expect(new AesGcmCodec(randomBytes(32)).decode([encrypted])).rejects.toThrow();
});

test('unencrypted payloads pass through decode (histories from before the key was set)', async () => {
  const plain = converter.toPayload({ a: 1 });
  const [decoded] = await new AesGcmCodec(randomBytes(32)).decode([plain]);
  expect(converter.fromPayload(decoded)).toEqual({ a: 1 });
});

test('the key must be 32 bytes', () => {
  expect(() => new AesGcmCodec(randomBytes(16))).toThrow(/32 bytes/);
});

describe('key ring (PAYLOAD_CODEC_KEY)', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const b64 = (k: Buffer) => k.toString('base64');
  const keyIdOf = (p: Payload) => Buffer.from(p.metadata![KEY_ID_METADATA]!).toString();
  const record = { email: 'ada@example.com' };

  /** Exactly what the single-key codec wrote before key rings (its code, kept here as the reference). */
  function sealedBySingleKeyCodec(key: Buffer, payload: Payload, withKeyId = true): Payload {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const m = Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    );
    const plain = Buffer.from(JSON.stringify({ m, d: Buffer.from(payload.data!).toString('base64') }));
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    const keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
    return {
      metadata: {
        encoding: Buffer.from('binary/encrypted'),
        ...(withKeyId ? { 'encryption-key-id': Buffer.from(keyId) } : {}),
      },
      data,
    };
  }

  test('ids and keys, newest first; a bare key gets the id single-key payloads carry', () => {
    const ring = parseCodecKeyRing(` 2025-06:${b64(newKey)} , ${b64(oldKey)} `);
    expect(ring.map((k) => k.id)).toEqual([
      '2025-06',
      createHash('sha256').update(oldKey).digest('hex').slice(0, 8),
    ]);
    expect(ring[0].key.equals(newKey)).toBe(true);
    expect(parseCodecKeyRing(b64(oldKey))).toEqual([{ id: derivedKeyId(oldKey), key: oldKey }]);
  });

  test.each([
    ['no key at all', '', /holds no key/],
    ['a 16-byte key', `k1:${randomBytes(16).toString('base64')}`, /entry 1 \(k1\).*32 bytes/],
    ['one id twice', `k1:${b64(newKey)},k1:${b64(oldKey)}`, /key id k1 twice/],
    ['one key twice', `a:${b64(newKey)},b:${b64(newKey)}`, /key of b twice/],
    ['an id with a space', `bad id:${b64(newKey)}`, /entry 1.*key id/],
    ['a key that is not base64', `k1:${b64(newKey)},k2:not base64!`, /entry 2 \(k2\) is not base64/],
  ])('%s is refused with a message that names the entry, never the key', (_name, setting, message) => {
    let error: Error | undefined;
    try {
      parseCodecKeyRing(setting);
    } catch (err) {
      error = err as Error;
    }
    expect(error?.message).toMatch(message);
    for (const key of [newKey, oldKey]) expect(error?.message).not.toContain(b64(key));
  });

  test('new payloads are encrypted with the newest key and carry its id; each decodes by its id', async () => {
    const before = new AesGcmCodec(parseCodecKeyRing(`old:${b64(oldKey)}`));
    const after = new AesGcmCodec(parseCodecKeyRing(`new:${b64(newKey)},old:${b64(oldKey)}`));
    const [sealedBefore] = await before.encode([converter.toPayload(record)]);
    const [sealedAfter] = await after.encode([converter.toPayload(record)]);
    expect(keyIdOf(sealedBefore)).toBe('old');
    expect(keyIdOf(sealedAfter)).toBe('new');
    expect(after.keyId).toBe('new');
    for (const sealed of [sealedBefore, sealedAfter])
      expect(converter.fromPayload((await after.decode([sealed]))[0])).toEqual(record);
    // Only the new key opens what the new ring writes: the ring really moved on.
    await expect(before.decode([sealedAfter])).rejects.toThrow(/key id new/);
  });

  test("today's single-key payloads (with or without a key id) decode after the rotation", async () => {
    const rotated = new AesGcmCodec(parseCodecKeyRing(`new:${b64(newKey)},${b64(oldKey)}`));
    const renamed = new AesGcmCodec(parseCodecKeyRing(`new:${b64(newKey)},old:${b64(oldKey)}`));
    for (const withKeyId of [true, false]) {
      const legacy = sealedBySingleKeyCodec(oldKey, converter.toPayload(record), withKeyId);
      for (const codec of [rotated, renamed, new AesGcmCodec(oldKey)])
        expect(converter.fromPayload((await codec.decode([legacy]))[0])).toEqual(record);
    }
    // A bare key is the same codec it always was: same id, same format.
    const [sealed] = await new AesGcmCodec(parseCodecKeyRing(b64(oldKey))).encode([converter.toPayload(1)]);
    expect(keyIdOf(sealed)).toBe(derivedKeyId(oldKey));
  });

  test('a payload whose key left the ring, or that was tampered with, fails to decode', async () => {
    const [sealed] = await new AesGcmCodec([{ id: 'gone', key: oldKey }]).encode([
      converter.toPayload(record),
    ]);
    const ring = new AesGcmCodec(parseCodecKeyRing(`new:${b64(newKey)}`));
    await expect(ring.decode([sealed])).rejects.toThrow(/key id gone.*removed from the ring/);
    const tampered = { ...sealed, data: Buffer.from(sealed.data!).fill(0, 20, 24) };
    await expect(new AesGcmCodec([{ id: 'gone', key: oldKey }]).decode([tampered])).rejects.toThrow(
      /tampered/,
    );
  });

  test('PAYLOAD_CODEC_KEY is checked at start-up: a bad ring is a ConfigError naming it', () => {
    expect(() =>
      loadConfig({ SWITCHBOARD_SANDBOX: 'true', PAYLOAD_CODEC_KEY: `k1:${b64(newKey)},k1:${b64(oldKey)}` }),
    ).toThrow(/PAYLOAD_CODEC_KEY[\s\S]*key id k1 twice/);
    const config = loadConfig({
      SWITCHBOARD_SANDBOX: 'true',
      PAYLOAD_CODEC_KEY: `k2:${b64(newKey)},${b64(oldKey)}`,
    });
    expect(payloadCodecs(config.temporal)).toHaveLength(1);
  });
});

test('workflow bundles get the failure-encoding converter exactly when payloads are encrypted', async () => {
  // A prebuilt bundle ignores the worker's failureConverterPath: without it in the bundle, a failure
  // made in workflow code would be stored with its message in clear.
  expect(workflowFailureConverterPath({ codecKey: undefined })).toBeUndefined();
  const codecKey = randomBytes(32).toString('base64');
  const bundled = workflowFailureConverterPath({ codecKey });
  expect(bundled).toBe(dataConverter({ codecKey } as Config['temporal']).failureConverterPath);
  const { failureConverter } = (await import(bundled!)) as { failureConverter: { options: object } };
  expect(failureConverter.options).toMatchObject({ encodeCommonAttributes: true });
});
