/**
 * A burst against a rate-limited API: 100 HubSpot contact changes → 100 contact-sync runs → 100 Mailchimp
 * upserts, with Mailchimp limited to 10 requests/s both by the stand-in (a token bucket answering 429 with
 * Retry-After and X-RateLimit-*) and in config (MAILCHIMP_RATE_LIMIT_PER_SECOND=10, which the Temporal
 * server enforces on the api.mailchimp task queue and the workers process on the calls runs make
 * directly). What the limit has room for goes direct; the rest waits in Temporal's queue: no run fails,
 * the API almost never has to say 429 (and is obeyed when it does), and the rate stays at the limit —
 * with one workers process, and with two that each hold half of it for their direct calls (WORKER_REPLICAS).
 */
import { NativeConnection } from '@temporalio/worker';
import { subscriberHash } from '../systems/mailchimp/api';
import type { RecordedRequest } from '../sandbox/recorder';
import type { WorkerSet } from './workers';
import { recordHistory } from '../../test/helpers/histories';
import {
  createTestWorkers,
  sandboxControl,
  startStack,
  stopStackWorkers,
  temporalAddress,
  TestStack,
  uniqueId,
} from '../../test/helpers/stack';

const LIMIT = 10;
const RUNS = 100;

let stack: TestStack;
const replicas: { native: NativeConnection; workers: WorkerSet; running: Promise<void> }[] = [];
beforeAll(async () => {
  stack = await startStack({
    env: {
      MAILCHIMP_RATE_LIMIT_PER_SECOND: String(LIMIT),
      // HubSpot reads come first in each run; lift their limit so Mailchimp's is the one under test.
      HUBSPOT_RATE_LIMIT_PER_SECOND: '200',
    },
  });
});
afterAll(async () => {
  for (const replica of replicas) replica.workers.shutdown();
  await Promise.all(replicas.map((r) => r.running));
  await Promise.all(replicas.map((r) => r.native.close()));
  await stack?.stop();
});

/** Runs `task` over `items`, `concurrency` at a time. */
async function inParallel<T>(items: T[], concurrency: number, task: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
    }),
  );
}

interface Burst {
  ids: string[];
  /** Per run: whether its upsert went direct or waited on the api.mailchimp queue. */
  paths: ('direct' | 'queued')[];
  /** The upserts' rate beyond the one-second burst a limit of LIMIT/s allows. */
  rate: number;
}

/**
 * HubSpot sends RUNS signed webhooks as fast as the gateway takes them; returns once every run completed,
 * having checked that none failed, every member is in the list, and the API's few refusals were obeyed.
 */
async function burstAgainstTheLimit(): Promise<Burst> {
  // The stand-in enforces 10/s as a token bucket that absorbs a short burst (two seconds' worth), as real
  // per-second limits do (Shopify's leaky bucket holds 40 at 2/s). Temporal's own limiter lets a few
  // more than LIMIT through at the very start (each of the queue's partitions rounds its share up), so a
  // one-second bucket would answer 429 to those few even though the steady rate is at the limit.
  await sandboxControl(stack, 'DELETE', 'mailchimp/faults'); // zeroes its counters of an earlier burst
  await sandboxControl(stack, 'POST', 'mailchimp/faults', {
    rateLimit: { perSecond: LIMIT, burst: 2 * LIMIT },
  });
  const ids = Array.from({ length: RUNS }, () => uniqueId());
  const emails = new Map(ids.map((id) => [id, `burst.${id}@example.com`]));

  // HubSpot sends the 100 signed webhooks as fast as the gateway takes them.
  await inParallel(ids, 20, async (id) => {
    const reply = (await sandboxControl(stack, 'POST', `hubspot/contacts/${id}`, {
      properties: { email: emails.get(id)!, firstname: `Burst ${id}` },
    })) as { webhook: { status: number } };
    expect(reply.webhook.status).toBe(202);
  });

  // Every run completes: none failed, none was dropped.
  const outcomes = await Promise.allSettled(
    ids.map((id) => stack.client.workflow.getHandle(`contact-sync/hubspot/contact-${id}`).result()),
  );
  expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
  const listId = stack.config.contactSync.mailchimpListId;
  for (const email of emails.values())
    expect(stack.sandbox.mailchimp.lists.get(listId)?.get(subscriberHash(email))).toBeDefined();

  const paths = await Promise.all(
    ids.map(async (id) => {
      const { events } = await stack.client.workflow
        .getHandle(`contact-sync/hubspot/contact-${id}`)
        .fetchHistory();
      const queued = events!.some(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'upsertMailchimpMember',
      );
      return queued ? ('queued' as const) : ('direct' as const);
    }),
  );

  const hashes = new Set([...emails.values()].map(subscriberHash));
  const calls: RecordedRequest[] = stack.sandbox.recorders.mailchimp.requests.filter(
    (r) => r.method === 'PUT' && hashes.has(r.path.split('/').pop()!),
  );
  const throttled = calls.filter((r) => r.status === 429);
  expect(calls.filter((r) => r.status === 200)).toHaveLength(RUNS);
  // Temporal kept the calls under the limit, so the API had to refuse under 1% of them…
  expect(throttled.length / calls.length).toBeLessThan(0.01);
  // …and each refusal was obeyed: the same call came back no sooner than Retry-After (1 s) said.
  for (const refused of throttled) {
    const next = calls.find((r) => r.at > refused.at && r.path === refused.path);
    expect(next).toBeDefined();
    expect(next!.at - refused.at).toBeGreaterThanOrEqual(950);
  }
  const faults = (await sandboxControl(stack, 'GET', 'mailchimp/faults')) as {
    counters: { rateLimited: number };
  };
  expect(faults.counters.rateLimited).toBe(throttled.length);

  // The measured rate, as a limit of LIMIT/s with a one-second burst defines it: n calls over s seconds
  // conform when n ≤ LIMIT + LIMIT·s. The small tolerance covers network and clock jitter.
  const times = calls.map((r) => r.at).sort((a, b) => a - b);
  const spanSeconds = (times.at(-1)! - times[0]!) / 1000;
  const rate = (times.length - LIMIT) / spanSeconds;
  const busiestSecond = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
  console.log(
    `${calls.length} Mailchimp calls in ${spanSeconds.toFixed(2)} s: ${rate.toFixed(2)}/s beyond the burst, ` +
      `busiest second ${busiestSecond}, ${throttled.length} answered 429`,
  );
  return { ids, paths, rate };
}

test(`a burst of ${RUNS} events against a system limited to ${LIMIT} requests/s: no failed run, the limit held`, async () => {
  const { ids, paths, rate } = await burstAgainstTheLimit();
  // The workers process holds the same limit for the calls runs make directly: what the limit had room
  // for went direct, the rest of the burst waited on the api.mailchimp queue.
  expect(paths.filter((p) => p === 'direct').length).toBeGreaterThan(0);
  expect(paths.filter((p) => p === 'queued').length).toBeGreaterThan(0);
  // A run whose upsert found no room and went to the queue is replayed by every `npm test`.
  const queuedId = ids[paths.indexOf('queued')]!;
  await recordHistory(
    stack.client,
    `contact-sync/hubspot/contact-${queuedId}`,
    'contact-sync',
    'contact-sync.queued-when-no-room',
  );
  expect(rate).toBeLessThanOrEqual(LIMIT * 1.1);
});

test('two workers processes (WORKER_REPLICAS=2) each hold half the limit for direct calls: together they keep to it', async () => {
  // The stack's workers make way for two sets, each with its own connection and rate budgets, as two
  // processes have. Each holding the whole limit, their direct calls and the queue's would reach ~2×.
  await stopStackWorkers(stack);
  const config = { ...stack.config, workerReplicas: 2 };
  for (let i = 0; i < 2; i++) {
    const native = await NativeConnection.connect({ address: temporalAddress() });
    const workers = await createTestWorkers(config, native);
    replicas.push({ native, workers, running: workers.run() });
  }
  const { paths, rate } = await burstAgainstTheLimit();
  expect(paths.filter((p) => p === 'direct').length).toBeGreaterThan(0);
  expect(rate).toBeLessThanOrEqual(LIMIT * 1.1);
});
