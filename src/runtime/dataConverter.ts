/**
 * Optional AES-256-GCM payload encryption. Records carry personal data (names, emails, addresses); with
 * PAYLOAD_CODEC_KEY set (32 bytes, base64), every payload is encrypted before it leaves the process, so
 * Temporal's histories hold ciphertext only.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import type { Config } from '../config';

const ENCODING = 'binary/encrypted';
const te = new TextEncoder();
const td = new TextDecoder();

export class AesGcmCodec implements PayloadCodec {
  private readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('PAYLOAD_CODEC_KEY must be 32 bytes, base64-encoded');
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', this.key, iv);
      const plain = Buffer.from(
        JSON.stringify({ m: encodeMetadata(payload.metadata), d: b64(payload.data) }),
      );
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: te.encode(ENCODING), 'encryption-key-id': te.encode(this.keyId) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (td.decode(payload.metadata?.encoding ?? new Uint8Array()) !== ENCODING || !payload.data)
        return payload;
      const raw = Buffer.from(payload.data);
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(raw.length - 16));
      const plain = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
      const { m, d } = JSON.parse(plain.toString()) as { m: Record<string, string>; d?: string };
      return { metadata: decodeMetadata(m), data: d === undefined ? undefined : Buffer.from(d, 'base64') };
    });
  }
}

function b64(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes ? Buffer.from(bytes).toString('base64') : undefined;
}
function encodeMetadata(metadata: Payload['metadata']): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, b64(v) ?? '']));
}
function decodeMetadata(m: Record<string, string>): Record<string, Uint8Array> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
}

export function payloadCodecs(temporal: Config['temporal']): PayloadCodec[] {
  return temporal.codecKey ? [new AesGcmCodec(Buffer.from(temporal.codecKey, 'base64'))] : [];
}

export function dataConverter(temporal: Config['temporal']): DataConverter {
  if (!temporal.codecKey) return {};
  return {
    payloadCodecs: payloadCodecs(temporal),
    failureConverterPath: require.resolve('./failureConverter'),
  };
}
