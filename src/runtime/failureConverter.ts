/**
 * With a payload codec key, failure messages and stack traces are encoded too (then encrypted by the
 * codec): an API's error text often quotes the record ("ada@example.com looks fake"), and a failure's
 * message is otherwise stored in clear in the history. Loaded by path (the SDK bundles it into the
 * workflow sandbox), so it is a module of its own.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
