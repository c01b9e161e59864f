/**
 * A start or signalWithStart Temporal refuses because of the request's own values is a 400 naming the
 * value (a retry would be refused the same way); one it refuses because of this deployment's configuration
 * stays a 500, so the sender keeps retrying until an operator fixes it. The messages are the dev server's
 * own (CLI 1.9.1, server 1.32), as the SDK wraps them; webhookIds.int.test.ts checks them on the live server.
 */
import express from 'express';
import request from 'supertest';
import { ServiceError } from '@temporalio/client';
import { errorHandler, HttpError, temporalCallFailed } from './errors';
import { PayloadUndecryptableError } from '../runtime/dataConverter';

/** What the SDK throws: a ServiceError whose cause is the gRPC error (code, details). */
const refused = (code: number, details: string, call = 'start') =>
  new ServiceError(`Failed to ${call} Workflow`, {
    cause: Object.assign(new Error(`${code} ${details}`), { code, details }),
  });

test.each([
  [
    'a workflow id over 1,000 bytes (start)',
    refused(3, 'WorkflowId exceeds maximum allowed length (1001/1000)'),
    'workflowId: WorkflowId exceeds maximum allowed length (1001/1000)',
  ],
  [
    'a workflow id over 1,000 bytes (signalWithStart)',
    refused(3, 'WorkflowId exceeds maximum allowed length (1002/1000)', 'signalWithStart'),
    'workflowId: WorkflowId exceeds maximum allowed length (1002/1000)',
  ],
  [
    'a search attribute value over 2 KiB',
    refused(3, 'search attribute RecordId value size 3002 exceeds size limit 2048'),
    'searchAttributes.RecordId: search attribute RecordId value size 3002 exceeds size limit 2048',
  ],
  [
    'an input over the blob size limit',
    refused(3, 'Blob data size exceeds limit.'),
    'input: Blob data size exceeds limit.',
  ],
  [
    'a workflow id that is not valid UTF-8',
    refused(13, 'grpc: error unmarshalling request: string field contains invalid UTF-8'),
    'workflowId: grpc: error unmarshalling request: string field contains invalid UTF-8',
  ],
])('%s → 400 invalid_workflow_input naming the field', (_name, err, message) => {
  const mapped = temporalCallFailed(err);
  expect(mapped).toBeInstanceOf(HttpError);
  expect(mapped).toMatchObject({ status: 400, code: 'invalid_workflow_input', message });
});

test.each([
  [
    'a search attribute the namespace does not define',
    refused(3, 'Namespace default has no mapping defined for search attribute RecordId'),
  ],
  ['another INVALID_ARGUMENT', refused(3, 'TaskQueue exceeds length limit.')],
  ['another INTERNAL error', refused(13, 'something broke')],
])('%s is configuration or a bug, not the request: rethrown as is → 500', (_name, err) => {
  expect(temporalCallFailed(err)).toBe(err);
});

test('a stored payload no codec key opens → 500 undecodable_payload, for single and bulk routes alike', () => {
  const err = new PayloadUndecryptableError(
    'a payload encrypted with key id k2 that no key of PAYLOAD_CODEC_KEY opens (the key was removed from the ring?)',
  );
  expect(temporalCallFailed(err)).toMatchObject({
    status: 500,
    code: 'undecodable_payload',
    message: err.message,
  });
});

test('the caller gets the 400 as a JSON error with its stable code', async () => {
  const app = express();
  app.post('/start', () => {
    throw temporalCallFailed(refused(3, 'WorkflowId exceeds maximum allowed length (1001/1000)'));
  });
  app.use(errorHandler({ error: () => undefined }));
  const res = await request(app).post('/start');
  expect(res.status).toBe(400);
  expect(res.body).toEqual({
    error: {
      code: 'invalid_workflow_input',
      message: 'workflowId: WorkflowId exceeds maximum allowed length (1001/1000)',
    },
  });
});
