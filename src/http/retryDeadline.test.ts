/**
 * An API's retry hint (Retry-After, a reset header) must fit in what is left of the activity's
 * schedule-to-close timeout: the server fails an activity whose next retry would start past that deadline,
 * so a long throttle would fail at once instead of waiting. Against a real local server, inside a mock
 * activity whose Info carries the deadline.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { z } from 'zod';
import { HttpClient } from './client';
import { MAX_SERVER_RETRY_DELAY_MS, retryDelayWithinDeadline } from './errors';
import { loadConfig } from '../config';
import { failureOf, json, LocalApi, startLocalApi } from '../../test/helpers/localApi';

const MIN = 60_000;

describe('retryDelayWithinDeadline', () => {
  const now = Date.parse('2030-01-01T00:00:00Z');
  /** An activity scheduled `ago` ms before now with a 10 min schedule-to-close and 30 s start-to-close. */
  const activity = (ago: number, scheduleToClose = 10 * MIN, startToClose = 30_000) => ({
    scheduledTimestampMs: now - ago,
    scheduleToCloseTimeoutMs: scheduleToClose,
    startToCloseTimeoutMs: startToClose,
  });

  test.each<[string, number | undefined, ReturnType<typeof activity> | undefined, number | undefined]>([
    ['a hint that fits is kept', 2000, activity(0), 2000],
    ['no hint stays no hint', undefined, activity(9 * MIN), undefined],
    ['outside an activity the hint is kept', 20 * MIN, undefined, 20 * MIN],
    ['no schedule-to-close timeout: kept', 15 * MIN, activity(0, 0), 15 * MIN],
    // 10 min left: wait until 30 s (one attempt) before the deadline.
    ['a 15 min hint with 10 min left → 9.5 min', 15 * MIN, activity(0), 9.5 * MIN],
    ['a 5 min hint with 1 min left → 30 s', 5 * MIN, activity(9 * MIN), 30_000],
    // 20 s left, less than an attempt's 30 s: half of what is left goes to the attempt.
    ['20 s left → 10 s', 5 * MIN, activity(10 * MIN - 20_000), 10_000],
    ['no start-to-close: half of what is left', 5 * MIN, activity(9 * MIN, 10 * MIN, 0), 30_000],
    ['the deadline already passed: kept (the server times it out anyway)', 5000, activity(11 * MIN), 5000],
  ])('%s', (_name, hint, info, expected) => {
    expect(retryDelayWithinDeadline(hint, info, now)).toBe(expected);
  });
});

describe('inside an activity', () => {
  let api: LocalApi;
  let http: HttpClient;
  beforeAll(async () => {
    api = await startLocalApi();
    const config = loadConfig({
      SWITCHBOARD_SANDBOX: 'true',
      LOG_LEVEL: 'silent',
      HUBSPOT_BASE_URL: `${api.url}/hubspot`,
    });
    http = new HttpClient({ systems: config.systems });
  });
  afterAll(() => api.close());

  const update = () =>
    http.request('hubspot', {
      method: 'PATCH',
      path: '/crm/v3/objects/contacts/7',
      json: {},
      schema: z.unknown(),
    });
  /** Runs the call as attempt N of an activity scheduled `ago` ms ago (10 min / 30 s timeouts). */
  const inActivity = (ago: number, scheduleToCloseTimeoutMs = 10 * MIN) =>
    new MockActivityEnvironment(
      {
        scheduledTimestampMs: Date.now() - ago,
        currentAttemptScheduledTimestampMs: Date.now(),
        scheduleToCloseTimeoutMs,
        startToCloseTimeoutMs: 30_000,
        attempt: 4,
      },
      { logger: new DefaultLogger('ERROR') }, // the failures are the point: no "Activity failed" warnings
    ).run(update);

  test('429 Retry-After: 1200 with 1 min left → retried in about 30 s, inside the deadline', async () => {
    api.handle((_req, res) => json(res, 429, { message: 'daily limit' }, { 'Retry-After': '1200' }));
    const started = Date.now();
    const failure = await failureOf(inActivity(9 * MIN));
    const took = Date.now() - started;
    expect(failure).toMatchObject({ type: 'ApiRateLimitedError', nonRetryable: false });
    expect(failure.nextRetryDelay).toBeGreaterThanOrEqual(30_000 - took - 50);
    expect(failure.nextRetryDelay).toBeLessThanOrEqual(30_000);
    expect(failure.message).toMatch(/retry in \d+ ms$/);
  });

  test('503 Retry-After with 10 min left → the 15 min cap, then the deadline: 9.5 min', async () => {
    api.handle((_req, res) => json(res, 503, { message: 'maintenance' }, { 'Retry-After': '86400' }));
    const started = Date.now();
    const failure = await failureOf(inActivity(0));
    // The deadline is counted from the activity's schedule time, so the call's own time comes off it.
    const took = Date.now() - started;
    expect(failure.type).toBe('ApiUnavailableError');
    expect(failure.nextRetryDelay).toBeLessThanOrEqual(9.5 * MIN);
    expect(failure.nextRetryDelay).toBeGreaterThanOrEqual(9.5 * MIN - took - 50);
  });

  test('a long schedule-to-close keeps the 15 min cap on the hint', async () => {
    api.handle((_req, res) => json(res, 429, {}, { 'Retry-After': '86400' }));
    const failure = await failureOf(inActivity(0, 24 * 60 * MIN));
    expect(failure.nextRetryDelay).toBe(MAX_SERVER_RETRY_DELAY_MS);
  });
});
