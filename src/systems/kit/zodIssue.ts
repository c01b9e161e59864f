/**
 * How a refused value is named everywhere: connectors, the HTTP client, the gateway and the mappings
 * (inside workflows). Pure (zod types only), so workflow code may import it.
 */
import type { z } from 'zod';

/** `path.to.field: message` for the first issue zod raised; `what` names the value when the path is empty. */
export function firstZodIssue(error: z.ZodError, what: string): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || what}: ${issue?.message ?? 'invalid'}`;
}
