/**
 * Recorded histories: `npm run record-histories` runs the integration tests with RECORD_HISTORIES=1, and
 * every test that calls `recordHistory` saves the completed run's history in its integration's folder
 * (src/integrations/<id>/histories/) as JSON, the format of `temporal workflow show --output json` and
 * the Web UI's download. `npm test` replays every catalog entry's histories against the current workflow
 * code (src/integrations/replay.test.ts), so a change that breaks determinism (a reordered activity, a
 * removed timer) fails CI before it breaks running workflows.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { historiesDirOf } from '../../src/integrations/histories';

export async function recordHistory(
  client: Client,
  workflowId: string,
  integrationId: string,
  name = integrationId,
  /** A run of the chain other than the latest (e.g. one that continued-as-new). */
  runId?: string,
): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const dir = historiesDirOf(integrationId);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${name}.history.json`), historyToJSON(history) + '\n');
}
