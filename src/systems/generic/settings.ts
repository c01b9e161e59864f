/** In-house senders signing with plain HMAC-SHA256: a webhook sender only; its header scheme is configurable. */
import { z } from 'zod';
import { schemas, setting } from '../../settings';
import { defineSystemSettings, webhookSecrets } from '../kit/settings';

export const genericSettings = defineSystemSettings({
  system: 'generic',
  title: 'Generic HMAC sender',
  settings: {
    webhookSecrets: webhookSecrets(
      'GENERIC_WEBHOOK_SECRETS',
      'sandbox-generic-secret',
      'the HMAC-SHA256 key(s) of in-house senders',
    ),
    header: setting({
      env: 'GENERIC_WEBHOOK_HEADER',
      schema: schemas.nonEmpty.transform((v) => v.toLowerCase()),
      required: false,
      secret: false,
      default: 'X-Signature',
      description: 'the header carrying the signature',
    }),
    encoding: setting({
      env: 'GENERIC_WEBHOOK_ENCODING',
      schema: z.enum(['hex', 'base64']),
      required: false,
      secret: false,
      default: 'hex',
      description: 'how the signature is encoded: hex or base64',
    }),
    prefix: setting({
      env: 'GENERIC_WEBHOOK_PREFIX',
      schema: z.string(),
      required: false,
      secret: false,
      default: 'sha256=',
      // Set but empty means no prefix (the signature alone).
      emptyIsValue: true,
      description: 'what precedes the signature in the header; set but empty: nothing',
    }),
  },
  webhookSecrets: 'webhookSecrets',
});
