/** A failed Temporal call is a 503 only when Temporal is unreachable; otherwise it is not blamed on it. */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { HttpError, temporalCallFailed } from '../gateway/errors';
import { isTemporalUnavailable } from './calls';

const grpc = (code: number, message = 'grpc') => Object.assign(new Error(message), { code });

test.each([
  ['UNAVAILABLE', grpc(14)],
  ['DEADLINE_EXCEEDED', grpc(4)],
  ['RESOURCE_EXHAUSTED', grpc(8)],
  ['wrapped by the SDK', Object.assign(new Error('Failed to start'), { cause: grpc(14) })],
  ['connection refused', new Error('connect ECONNREFUSED 127.0.0.1:7233')],
])('%s → unreachable → 503 with Retry-After', (_name, err) => {
  expect(isTemporalUnavailable(err)).toBe(true);
  const mapped = temporalCallFailed(err) as HttpError;
  expect(mapped).toBeInstanceOf(HttpError);
  expect(mapped).toMatchObject({ status: 503, code: 'temporal_unavailable' });
  expect(mapped.headers['Retry-After']).toMatch(/^\d+$/);
});

test('a run that already exists → 409', () => {
  const err = new WorkflowExecutionAlreadyStartedError(
    'exists',
    'contact-sync/hubspot/contact-1',
    'contactSync',
  );
  expect(temporalCallFailed(err)).toMatchObject({ status: 409, code: 'run_exists' });
});

test('anything else (a bad argument, a codec failure, a bug) is not an outage: rethrown as is → 500', () => {
  const invalid = grpc(3, 'invalid search attribute');
  expect(isTemporalUnavailable(invalid)).toBe(false);
  expect(temporalCallFailed(invalid)).toBe(invalid);
  const bug = new TypeError('x is undefined');
  expect(temporalCallFailed(bug)).toBe(bug);
});
