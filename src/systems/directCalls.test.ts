import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createDirectCallActivities, FAILURE_COOL_OFF_MS, MAX_DIRECT_IN_FLIGHT } from './directCalls';
import { createRateBudgets } from './rateBudgets';
import { SYSTEMS, type SystemName } from './index';

const env = (attempt = 1) => new MockActivityEnvironment({ attempt }, { logger: new DefaultLogger('ERROR') });
const upsertCall = { name: 'upsertMailchimpMember' as const, args: ['L1', {}] };
let clock = 1_000_000; // stands still unless a test moves it

/** Every system at the same rate limit. */
const limitsAt = (rateLimitPerSecond: number) =>
  Object.fromEntries(SYSTEMS.map((s) => [s, { rateLimitPerSecond }])) as Record<
    SystemName,
    { rateLimitPerSecond: number }
  >;

function directCalls(limitPerSecond: number, upsert: (...args: unknown[]) => Promise<unknown>) {
  const budgets = createRateBudgets(limitsAt(limitPerSecond), { now: () => clock });
  const systems = Object.fromEntries(SYSTEMS.map((s) => [s, {}])) as Record<SystemName, object>;
  systems.mailchimp = { upsertMailchimpMember: upsert };
  return { budgets, ...createDirectCallActivities({ systems, budgets, now: () => clock }) };
}

test('a listed call is made within the system’s rate budget and answers its result', async () => {
  const upsert = jest.fn(async (listId: unknown) => ({ id: `m-${String(listId)}`, status: 'subscribed' }));
  const { callSystemDirectly, budgets } = directCalls(6, upsert); // a burst of 3
  const outcome = await env().run(callSystemDirectly, {
    name: 'upsertMailchimpMember' as const,
    args: ['L1', {}],
  });
  expect(outcome).toEqual({ made: true, result: { id: 'm-L1', status: 'subscribed' } });
  expect(upsert).toHaveBeenCalledWith('L1', {});
  expect(budgets.mailchimp.tokens).toBe(2);
  expect(budgets.hubspot.tokens).toBe(3);
});

test('with the budget spent the call is not made: the run makes it on the queue', async () => {
  const upsert = jest.fn(async () => ({}));
  const { callSystemDirectly } = directCalls(4, upsert); // a burst of 2
  const call = { name: 'upsertMailchimpMember' as const, args: ['L1', {}] };
  await env().run(callSystemDirectly, call);
  await env().run(callSystemDirectly, call);
  const third = await env().run(callSystemDirectly, call);
  expect(third).toEqual({
    made: false,
    why: "mailchimp's rate limit is in use: the call waits on its queue",
  });
  expect(upsert).toHaveBeenCalledTimes(2);
});

test('a failed call is thrown, as the queued call’s would be: the local activity retries it', async () => {
  const { callSystemDirectly } = directCalls(5, async () => {
    throw new Error('Mailchimp answered 503');
  });
  await expect(
    env().run(callSystemDirectly, { name: 'upsertMailchimpMember' as const, args: ['L1', {}] }),
  ).rejects.toThrow('Mailchimp answered 503');
});

test('a call not listed as direct is never made directly', async () => {
  const upsert = jest.fn(async () => ({}));
  const { callSystemDirectly } = directCalls(5, upsert);
  const outcome = await env().run(callSystemDirectly, {
    name: 'archiveMailchimpMember' as never,
    args: ['L1', 'a@example.com'],
  });
  expect(outcome).toEqual({ made: false, why: 'archiveMailchimpMember is not a direct call' });
  expect(upsert).not.toHaveBeenCalled();
});

test('after a direct call to a system fails, new calls to it go to its queue for a while', async () => {
  let fail = true;
  const upsert = jest.fn(async () => {
    if (fail) throw new Error('Mailchimp answered 503');
    return {};
  });
  const { callSystemDirectly } = directCalls(100, upsert);
  await expect(env().run(callSystemDirectly, upsertCall)).rejects.toThrow('503');
  fail = false;
  expect(await env().run(callSystemDirectly, upsertCall)).toMatchObject({ made: false });
  // The call that failed is retried where it is (attempt 2): its retries stay direct.
  expect(await env(2).run(callSystemDirectly, upsertCall)).toEqual({ made: true, result: {} });
  clock += FAILURE_COOL_OFF_MS;
  expect(await env().run(callSystemDirectly, upsertCall)).toEqual({ made: true, result: {} });
});

test(`at most ${MAX_DIRECT_IN_FLIGHT} direct calls to a system at a time: a slow API holds few workflow tasks`, async () => {
  const pending: (() => void)[] = [];
  let slow = true;
  const upsert = jest.fn(async () => {
    if (slow) await new Promise<void>((resolve) => pending.push(resolve));
    return {};
  });
  const { callSystemDirectly } = directCalls(100, upsert);
  const started = Array.from({ length: MAX_DIRECT_IN_FLIGHT }, () =>
    env().run(callSystemDirectly, upsertCall),
  );
  while (pending.length < MAX_DIRECT_IN_FLIGHT) await new Promise((r) => setImmediate(r));
  expect(await env().run(callSystemDirectly, upsertCall)).toEqual({
    made: false,
    why: `${MAX_DIRECT_IN_FLIGHT} direct calls to mailchimp are under way`,
  });
  slow = false;
  for (const release of pending) release();
  await Promise.all(started);
  expect(await env().run(callSystemDirectly, upsertCall)).toMatchObject({ made: true });
});

test('a retry of a direct call stays direct and counts against the budget, room or not', async () => {
  const upsert = jest.fn(async () => ({}));
  const { callSystemDirectly, budgets } = directCalls(2, upsert); // a burst of 1
  expect(budgets.mailchimp.tryTake()).toBe(true); // the budget is spent
  expect(await env(2).run(callSystemDirectly, upsertCall)).toEqual({ made: true, result: {} });
  expect(budgets.mailchimp.tokens).toBe(-1);
  // A new call finds no room until the debt is paid.
  expect(await env().run(callSystemDirectly, upsertCall)).toMatchObject({ made: false });
  clock += 1000;
  expect(await env().run(callSystemDirectly, upsertCall)).toMatchObject({ made: true });
});

test('with N workers processes each holds 1/N of every limit, a burst of half a second of that', () => {
  const one = createRateBudgets(limitsAt(10), { now: () => clock });
  const two = createRateBudgets(limitsAt(10), { processes: 2, now: () => clock });
  expect([one.mailchimp.perSecond, one.mailchimp.tokens]).toEqual([10, 5]);
  expect([two.mailchimp.perSecond, two.mailchimp.tokens]).toEqual([5, 3]);
});
