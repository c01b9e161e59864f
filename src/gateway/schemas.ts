/** The gateway API's shapes, as zod schemas: they type the handlers and generate /openapi.json. */
import { WorkflowNotFoundError } from '@temporalio/client';
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

// zod's .openapi() method, which names components in /openapi.json. Before any schema is built: zod 4
// gives each schema its methods when it is constructed.
extendZodWithOpenApi(z);

const progressSchema = z.object({
  integration: z.string(),
  stage: z.string(),
  stepsDone: z.array(z.string()),
  lastError: z.string().optional(),
  details: z.record(z.string(), z.unknown()),
});

export const runSummarySchema = z.object({
  workflowId: z.string(),
  runId: z.string(),
  status: z
    .string()
    .describe('running, completed, failed, canceled, terminated, continued_as_new, timed_out'),
  integration: z.string().optional(),
  source: z.string().optional(),
  eventType: z.string().optional(),
  recordId: z.string().optional(),
  workflowType: z.string(),
  startTime: z.string(),
  closeTime: z.string().optional(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export const runViewSchema = runSummarySchema.extend({
  historyLength: z.number(),
  pendingActivities: z.array(
    z.object({
      activityType: z.string(),
      attempt: z.number(),
      state: z.string().optional(),
      lastFailure: z.string().optional(),
    }),
  ),
  progress: progressSchema.optional(),
  result: z.unknown().optional(),
  failure: z
    .object({
      message: z.string(),
      cause: z.string().optional(),
      code: z
        .literal('undecodable_payload')
        .optional()
        .describe('Set when no key of PAYLOAD_CODEC_KEY opens the stored failure (key dropped, or tampered)'),
    })
    .optional(),
});
export type RunView = z.infer<typeof runViewSchema>;

export const runListQuerySchema = z.object({
  integration: z.string().min(1).optional(),
  status: z
    .enum(['running', 'completed', 'failed', 'canceled', 'terminated', 'continued_as_new', 'timed_out'])
    .optional(),
  source: z.string().min(1).optional(),
  eventType: z.string().min(1).optional(),
  recordId: z.string().min(1).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageToken: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'a pageToken from a previous answer')
    .optional(),
});
export type RunListQuery = z.infer<typeof runListQuerySchema>;

export const runListSchema = z.object({
  runs: z.array(runSummarySchema),
  nextPageToken: z.string().optional().describe('Pass as pageToken for the next page; absent on the last'),
  query: z.string().describe('The Temporal visibility query used (paste it into the Web UI)'),
});

export const bulkRunRequestSchema = z
  .object({
    query: z
      .string()
      .trim()
      .min(1, 'a visibility query, e.g. Integration = "contact-sync" AND ExecutionStatus = "Failed"')
      .max(4000)
      .describe(
        'A Temporal visibility query, as in the Web UI, e.g. Integration = "contact-sync" AND ExecutionStatus = "Failed"',
      ),
    limit: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .default(100)
      .describe('At most this many workflow ids are acted on (default 100, at most 1000)'),
    dryRun: z.boolean().default(false).describe('true: say what would be done, start or cancel nothing'),
  })
  // An unknown field (a misspelt dryRun) is refused rather than ignored: ignoring it would act for real.
  .strict();
export type BulkRunRequest = z.infer<typeof bulkRunRequestSchema>;

export const bulkRunOutcomeSchema = z.object({
  workflowId: z.string(),
  matchedRunId: z.string().describe('The run the query matched'),
  runId: z
    .string()
    .optional()
    .describe("The workflow id's newest run, which was checked (and re-run or cancelled)"),
  status: z.string().optional().describe('Status of that newest run'),
  outcome: z
    .enum(['rerun', 'would_rerun', 'cancel_requested', 'would_cancel', 'refused', 'error'])
    .describe('refused: the single-run route would refuse it too (reason says why); error: the call failed'),
  newRunId: z.string().optional().describe('The run a re-run started'),
  code: z.string().optional(),
  reason: z.string().optional(),
});
export type BulkRunOutcome = z.infer<typeof bulkRunOutcomeSchema>;

export const bulkRunResultSchema = z.object({
  query: z.string(),
  dryRun: z.boolean(),
  limit: z.number(),
  truncated: z.boolean().describe('More workflow ids matched than were looked at (the limit)'),
  counts: z.record(z.string(), z.number()).describe('Runs by outcome'),
  runs: z.array(bulkRunOutcomeSchema),
});
export type BulkRunResult = z.infer<typeof bulkRunResultSchema>;

export const integrationStatsSchema = z.object({
  integration: z.string(),
  window: z.literal('24h'),
  since: z.string().describe('Start of the window (ISO 8601)'),
  started: z.number().describe('Runs started in the window'),
  running: z.number().describe('Runs open now (whenever they started)'),
  completed: z.number().describe('Runs that completed in the window'),
  failed: z.number().describe('Runs that failed or timed out in the window'),
  alertsRaised: z
    .number()
    .describe(
      'Runs that closed as Failed in the window: a failing run raises one alert before it fails. Timed-out runs, and alerts from runs that went on, are not counted',
    ),
  lastSuccessAt: z.string().nullable().describe('When the newest completed run closed (any time)'),
  lastFailure: z
    .object({ workflowId: z.string(), runId: z.string(), message: z.string(), at: z.string() })
    .nullable()
    .describe('The newest failed or timed-out run (any time) and why it failed'),
  p50DurationMs: z
    .number()
    .nullable()
    .describe('Median start-to-close time of the newest completed runs (a sample of durationSample runs)'),
  durationSample: z.number().describe('How many completed runs p50DurationMs is taken from (at most 50)'),
});
export type IntegrationStats = z.infer<typeof integrationStatsSchema>;

export const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    workflowId: z.string().optional().describe('run_exists: the open run that refused the start'),
    runId: z.string().optional().describe('run_exists: the open run that refused the start'),
  }),
});

export function isNotFound(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError || (err as { code?: number })?.code === 5;
}

const startedRunSchema = z.object({
  integration: z.string(),
  workflowId: z.string(),
  runId: z.string().optional(),
  duplicate: z.boolean().describe('true when a run with this id already existed: nothing new was started'),
});
export { startedRunSchema };

export const webhookAcceptedSchema = z.object({
  accepted: z.literal(true),
  duplicate: z.boolean(),
  events: z.array(
    z.object({
      eventId: z.string(),
      eventType: z.string(),
      status: z.enum(['accepted', 'duplicate', 'ignored']),
      runs: z.array(startedRunSchema),
    }),
  ),
});

const fieldRuleSchema = z.object({
  from: z.string(),
  to: z.string(),
  transform: z.string().optional(),
  default: z.union([z.string(), z.number(), z.boolean()]).optional(),
});
const recordFlowSchema = z.object({ system: z.string(), records: z.string() });

export const integrationViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  workflow: z.string(),
  direction: z.enum(['one-way', 'round-trip', 'fan-out']),
  frequency: z.string(),
  from: recordFlowSchema,
  to: z.array(recordFlowSchema),
  triggers: z.object({
    webhooks: z.array(z.object({ source: z.string(), eventTypes: z.array(z.string()) })),
    schedule: z.object({ description: z.string() }).optional(),
    manual: z.boolean().optional(),
  }),
  fieldMaps: z.record(z.string(), z.array(fieldRuleSchema)),
  settings: z
    .array(
      z.object({
        env: z.string(),
        default: z.string().optional(),
        required: z.boolean(),
        description: z.string(),
      }),
    )
    .describe("The integration's own settings (environment variables)"),
  manualInput: z.unknown().optional().describe('JSON Schema of the body of POST /integrations/{id}/runs'),
});
