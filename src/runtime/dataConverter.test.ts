import { randomBytes } from 'node:crypto';
import { DefaultPayloadConverter } from '@temporalio/common';
import { AesGcmCodec } from './dataConverter';

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
