/**
 * Replays workflow histories against the current workflow code (one bundle for all): every recorded
 * history of every catalog entry (src/integrations/<id>/histories) by default, or the files given, e.g. a history downloaded from the Web UI
 * or exported with `temporal workflow show -w <id> --output json`:
 *
 *   npm run replay -- ~/Downloads/deal-won_hubspot_deal-9001.json
 *
 * Prints one JSON line per history and exits non-zero if any replay fails (a determinism break).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';

import { recordedHistories } from '../src/integrations/histories';
import { workflowEntry } from '../src/runtime/workflowEntry';

function historyFiles(args: string[]): string[] {
  if (args.length > 0) return args.map((a) => path.resolve(a));
  return recordedHistories().map((h) => h.file);
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  // The worker's own bundle (its modules preloaded and shared), so a replay runs what production runs.
  const bundle = await bundleWorkflowCode({
    ...workflowEntry().bundleOptions,
    logger: new DefaultLogger('ERROR'),
  });
  const histories = historyFiles(process.argv.slice(2)).map((file) => ({
    workflowId: path.basename(file).replace(/(\.history)?\.json$/, ''),
    history: historyFromJSON(JSON.parse(readFileSync(file, 'utf8'))),
  }));
  let failed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories)) {
    if (result.error) failed++;
    console.log(
      JSON.stringify({ history: result.workflowId, ok: !result.error, error: result.error?.message }),
    );
  }
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
