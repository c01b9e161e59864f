/**
 * Recorded histories: `npm run record-histories` runs the integration tests with RECORD_HISTORIES=1, and
 * every test that calls `recordHistory` saves the completed run's history under test/histories/ as JSON,
 * the same format as `temporal workflow show --output json` and the Web UI's download. `npm test`
 * replays them all against the current workflow code (test/unit/replay.test.ts), so a change that breaks
 * determinism (a reordered activity, a removed timer) fails CI before it breaks running workflows.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';

export const HISTORIES_DIR = path.resolve(__dirname, '..', 'histories');

export async function recordHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  writeFileSync(path.join(HISTORIES_DIR, `${name}.history.json`), historyToJSON(history) + '\n');
}
