/** GitHub's shapes (https://docs.github.com/en/webhooks/webhook-events-and-payloads), declared once. */
import { z } from 'zod';

/** Any event body: GitHub puts the event type and delivery id in headers, not in the body. */
export const githubPayloadSchema = z.object({ action: z.string().optional() }).loose();

/**
 * The `issues` event. Values that end up in workflow ids (repository, issue id) are checked strictly:
 * a malformed one is a 400 at the gateway, never a run with an odd id.
 */
export const githubIssuesEventSchema = z
  .object({
    action: z.string(),
    issue: z
      .object({
        id: z.number().int().positive(),
        number: z.number().int().positive(),
        title: z.string(),
        html_url: z.url(),
        body: z.string().nullish(),
        user: z.object({ login: z.string() }).loose(),
        labels: z.array(z.object({ name: z.string() }).loose()).default([]),
      })
      .loose(),
    repository: z
      .object({
        full_name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/, 'owner/name'),
        html_url: z.url().optional(),
      })
      .loose(),
    sender: z.object({ login: z.string() }).loose().optional(),
  })
  .loose();
export type GithubIssuesEvent = z.output<typeof githubIssuesEventSchema>;
