/**
 * Optional AES-256-GCM payload encryption. Records carry personal data (names, emails, addresses); with
 * PAYLOAD_CODEC_KEY set, every payload is encrypted before it leaves the process, so Temporal's histories
 * hold ciphertext only.
 *
 * PAYLOAD_CODEC_KEY is a key ring: comma-separated entries, NEWEST FIRST, each `id:base64key` or a bare
 * `base64key` (32 bytes each), e.g. `2025-06:<base64>,2024-01:<base64>`. Every payload is encrypted with
 * the first key and carries its id in the `encryption-key-id` metadata (in clear: an id is no secret);
 * decode opens it with the key of that id. A bare key (the original single-key format) is known by an id
 * derived from it (first 8 hex of its SHA-256) — the id every payload written with it already carries, so
 * a bare key keeps reading what it wrote, and `new:<base64>,<old bare key>` rotates away from it. A payload
 * whose id names no key of the ring, or that carries none, is tried against every key (AES-GCM's tag
 * tells the right one). Rotation: put the new key first and keep the old ones for as long as histories
 * written with them are read (retention, replays, resets); workers and gateway use the same ring.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { Config } from '../config';

const ENCODING = 'binary/encrypted';
/** The metadata entry naming the key a payload was encrypted with. */
export const KEY_ID_METADATA = 'encryption-key-id';
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const te = new TextEncoder();
const td = new TextDecoder();

export interface CodecKey {
  id: string;
  key: Buffer;
}

/** The id of a key given without one: the id single-key payloads have always carried. */
export function derivedKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * PAYLOAD_CODEC_KEY → the key ring, newest first. Errors name the entry, never its key material.
 */
export function parseCodecKeyRing(setting: string): CodecKey[] {
  const entries = setting
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error('PAYLOAD_CODEC_KEY holds no key');
  const ring = entries.map((entry, i): CodecKey => {
    const colon = entry.indexOf(':');
    const id = colon === -1 ? undefined : entry.slice(0, colon).trim();
    const encoded = colon === -1 ? entry : entry.slice(colon + 1).trim();
    const which = `PAYLOAD_CODEC_KEY entry ${i + 1}${id ? ` (${id})` : ''}`;
    if (id !== undefined && !KEY_ID.test(id))
      throw new Error(`${which}: a key id is 1-64 characters of A-Z a-z 0-9 . _ -`);
    // Standard or URL-safe base64, as Buffer reads both.
    if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded)) throw new Error(`${which} is not base64`);
    const key = Buffer.from(encoded, 'base64');
    if (key.length !== 32) throw new Error(`${which}: PAYLOAD_CODEC_KEY must be 32 bytes, base64-encoded`);
    return { id: id ?? derivedKeyId(key), key };
  });
  const ids = new Set<string>();
  const keys = new Set<string>();
  for (const { id, key } of ring) {
    if (ids.has(id)) throw new Error(`PAYLOAD_CODEC_KEY names key id ${id} twice`);
    if (keys.has(key.toString('hex'))) throw new Error(`PAYLOAD_CODEC_KEY holds the key of ${id} twice`);
    ids.add(id);
    keys.add(key.toString('hex'));
  }
  return ring;
}

/** PAYLOAD_CODEC_KEY's schema: a ring parseCodecKeyRing accepts, so a bad one stops start-up by name. */
export const codecKeyRingSchema = z.string().superRefine((value, ctx) => {
  try {
    parseCodecKeyRing(value);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
  }
});

export class AesGcmCodec implements PayloadCodec {
  /** Newest first: the first key encrypts. */
  private readonly ring: readonly CodecKey[];
  /** Each key by its id, and by its derived id (what it wrote while configured bare). */
  private readonly byId = new Map<string, CodecKey>();

  /** A key ring (newest first), or one key: a bare key, known by its derived id. */
  constructor(keys: Buffer | readonly CodecKey[]) {
    const ring: readonly CodecKey[] = Buffer.isBuffer(keys) ? [{ id: derivedKeyId(keys), key: keys }] : keys;
    if (ring.length === 0) throw new Error('PAYLOAD_CODEC_KEY holds no key');
    for (const { key } of ring)
      if (key.length !== 32) throw new Error('PAYLOAD_CODEC_KEY must be 32 bytes, base64-encoded');
    this.ring = ring;
    for (const k of ring) this.byId.set(k.id, k);
    for (const k of ring) if (!this.byId.has(derivedKeyId(k.key))) this.byId.set(derivedKeyId(k.key), k);
  }

  /** The id new payloads carry: the newest key's. */
  get keyId(): string {
    return this.ring[0].id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.ring[0];
    return payloads.map((payload) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const plain = Buffer.from(
        JSON.stringify({ m: encodeMetadata(payload.metadata), d: b64(payload.data) }),
      );
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: te.encode(ENCODING), [KEY_ID_METADATA]: te.encode(id) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (td.decode(payload.metadata?.encoding ?? new Uint8Array()) !== ENCODING || !payload.data)
        return payload;
      const raw = Buffer.from(payload.data);
      const idBytes = payload.metadata?.[KEY_ID_METADATA];
      const id = idBytes ? td.decode(idBytes) : undefined;
      const named = id === undefined ? undefined : this.byId.get(id);
      // The named key first; then every other one (a payload from before key ids, an id reused or renamed).
      for (const candidate of named ? [named, ...this.ring.filter((k) => k !== named)] : this.ring) {
        const opened = open(candidate.key, raw);
        if (opened) return opened;
      }
      throw new PayloadUndecryptableError(
        id === undefined
          ? 'an encrypted payload without a key id that no key of PAYLOAD_CODEC_KEY opens'
          : `a payload encrypted with key id ${id} that no key of PAYLOAD_CODEC_KEY opens` +
            (named ? ' (tampered with?)' : ' (the key was removed from the ring?)'),
      );
    });
  }
}

/** A payload no key of PAYLOAD_CODEC_KEY opens: sealed with a key since removed from the ring, or altered. */
export class PayloadUndecryptableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadUndecryptableError';
  }
}

/** Decrypts one payload with one key; undefined when the key is not the one (the GCM tag does not match). */
function open(key: Buffer, raw: Buffer): Payload | undefined {
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    plain = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
  } catch {
    return undefined;
  }
  const { m, d } = JSON.parse(plain.toString()) as { m: Record<string, string>; d?: string };
  return { metadata: decodeMetadata(m), data: d === undefined ? undefined : Buffer.from(d, 'base64') };
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

/** The codecs for PAYLOAD_CODEC_KEY (none without it): workers, clients and the Web UI's codec endpoint. */
export function payloadCodecs(temporal: Config['temporal']): PayloadCodec[] {
  return temporal.codecKey ? [new AesGcmCodec(parseCodecKeyRing(temporal.codecKey))] : [];
}

/**
 * The failure converter workflow code needs (none without a key). A prebuilt workflow bundle ignores the
 * worker's `failureConverterPath`, so it must be bundled in (src/runtime/workflowBundle.ts): without it a
 * failure made in workflow code (or one it wraps) is stored with its message in clear.
 */
export function workflowFailureConverterPath(temporal: Pick<Config['temporal'], 'codecKey'>) {
  return temporal.codecKey ? require.resolve('./failureConverter') : undefined;
}

export function dataConverter(temporal: Config['temporal']): DataConverter {
  if (!temporal.codecKey) return {};
  return {
    payloadCodecs: payloadCodecs(temporal),
    failureConverterPath: workflowFailureConverterPath(temporal),
  };
}
