/** The Standard Webhooks (https://www.standardwebhooks.com) payload shape, declared once. Pure zod. */
import { z } from 'zod';
import { boundedIdSchema } from '../kit/idSchemas';

/** `{type, timestamp, data}` as the spec recommends, with the `data` schema of a particular sender. */
export function standardWebhookPayload<D extends z.ZodType>(data: D) {
  return z.object({ type: z.string().min(1), timestamp: z.string().optional(), data }).loose();
}

/** The record a message's data names by `id`, when it has one: bounded, since it may name a workflow. */
export const standardDataWithIdSchema = z.object({
  id: z.union([z.number(), boundedIdSchema('a record id')]),
});

/** A generic sender's message; its data names the record by `id` when it has one. */
export const standardPayloadSchema = standardWebhookPayload(z.unknown()).superRefine((body, ctx) => {
  const id =
    typeof body.data === 'object' && body.data !== null ? (body.data as { id?: unknown }).id : undefined;
  if (typeof id !== 'string' && typeof id !== 'number') return;
  for (const issue of standardDataWithIdSchema.safeParse({ id }).error?.issues ?? [])
    ctx.addIssue({ code: 'custom', message: issue.message, path: ['data', ...issue.path] });
});
