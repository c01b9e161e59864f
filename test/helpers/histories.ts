/**
 * Recorded histories: `npm run record-histories` runs the integration tests with RECORD_HISTORIES=1, and
 * every test that calls `recordHistory` saves the completed run's history under test/histories/ as
 * binary protobuf (`temporal.api.history.v1.History`). test/unit/replay.test.ts replays them all against
 * the current workflow code, so a change that breaks determinism (a reordered activity, a removed timer)
 * fails CI before it breaks running workflows.
 *
 * Binary, not the CLI's JSON: the SDK's JSON history reader needs one protobufjs copy across
 * @temporalio/common and @temporalio/proto, which this dependency tree does not give (see README).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');

export async function recordHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  writeFileSync(
    path.join(HISTORIES_DIR, `${name}.history.pb`),
    temporal.api.history.v1.History.encode(history).finish(),
  );
}
