/**
 * The remote codec the Temporal Web UI (and `temporal --codec-endpoint`) calls to show encrypted payloads
 * in clear: POST /codec/decode and /codec/encode, in the UI's protocol (`{payloads:[{metadata, data}]}`,
 * every value base64). Mounted only when PAYLOAD_CODEC_KEY is set, with the same key ring as the workers
 * (runtime/dataConverter): it decodes what any key of the ring wrote. The browser calls it cross-origin
 * from the Web UI, so it answers CORS for that origin only; it needs an API key unless
 * CODEC_ALLOW_UNAUTHENTICATED is on (`npm start` turns it on in the sandbox, so the local UI just works;
 * refused in production).
 * https://docs.temporal.io/production-deployment/data-encryption
 */
import express, { RequestHandler, Router } from 'express';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { Config } from '../config';
import { payloadCodecs } from '../runtime/dataConverter';
import { requireApiKey } from './auth';
import { badRequest, methodNotAllowed } from './errors';

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64');
const payloadsBody = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() }))
    .max(1000),
});
type JsonPayload = z.infer<typeof payloadsBody>['payloads'][number];

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
  ),
  data: p.data === undefined ? undefined : Buffer.from(p.data, 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: p.data ? Buffer.from(p.data).toString('base64') : undefined,
});

/** CORS for the Web UI's origin: the browser sends X-Namespace (and the user's token, if configured). */
function corsForWebUi(webUiUrl: string): RequestHandler {
  const origin = new URL(webUiUrl).origin;
  return (req, res, next) => {
    if (req.get('origin') === origin) {
      res.set({
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': 'POST, OPTIONS',
        'Access-Control-Allow-Headers': 'Content-Type, X-Namespace, Authorization',
        Vary: 'Origin',
      });
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

export function codecRouter(config: Config): Router {
  const router = Router();
  const codecs = payloadCodecs(config.temporal);
  if (codecs.length === 0) return router; // no key: no endpoint (404 like any unknown route)

  const run = async (direction: 'encode' | 'decode', payloads: Payload[]) => {
    let out = payloads;
    const order: PayloadCodec[] = direction === 'encode' ? codecs : [...codecs].reverse();
    for (const codec of order) out = await codec[direction](out);
    return out;
  };

  router.use('/codec', corsForWebUi(config.temporal.webUiUrl));
  if (!config.codecAllowUnauthenticated) router.use('/codec', requireApiKey(config));
  for (const direction of ['encode', 'decode'] as const) {
    router.post(`/codec/${direction}`, express.json({ limit: '4mb' }), async (req, res) => {
      const parsed = payloadsBody.safeParse(req.body);
      if (!parsed.success)
        throw badRequest('invalid_payloads', 'body must be {"payloads":[{metadata, data}]}, base64');
      let out: Payload[];
      try {
        out = await run(direction, parsed.data.payloads.map(fromJson));
      } catch {
        // A payload sealed with another key, or tampered with: the caller's input, not our failure.
        throw badRequest(
          'undecodable_payload',
          `a payload could not be ${direction}d with the keys of PAYLOAD_CODEC_KEY`,
        );
      }
      res.json({ payloads: out.map(toJson) });
    });
    router.all(`/codec/${direction}`, methodNotAllowed('POST'));
  }
  return router;
}
