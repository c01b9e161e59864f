/** The Standard Webhooks (https://www.standardwebhooks.com) payload shape, declared once. Pure zod. */
import { z } from 'zod';

/** `{type, timestamp, data}` as the spec recommends, with the `data` schema of a particular sender. */
export function standardWebhookPayload<D extends z.ZodType>(data: D) {
  return z.object({ type: z.string().min(1), timestamp: z.string().optional(), data }).loose();
}

/** A generic sender's message; its data names the record by `id` when it has one. */
export const standardPayloadSchema = standardWebhookPayload(z.unknown());
export const standardDataWithIdSchema = z.object({ id: z.union([z.string(), z.number()]) });
