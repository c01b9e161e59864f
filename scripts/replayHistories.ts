/**
 * Replays every recorded history in test/histories against the current workflow code (one bundle for
 * all). Prints one JSON line per history and exits non-zero if any replay fails. Runs as its own
 * process because protobufjs' JSON support does not survive Jest's module sandbox.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';

const HISTORIES_DIR = path.resolve(__dirname, '..', 'test', 'histories');

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../src/workflows'),
    logger: new DefaultLogger('ERROR'),
  });
  const histories = readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.history.pb'))
    .map((file) => ({
      workflowId: file.replace(/\.history\.pb$/, ''),
      history: temporal.api.history.v1.History.decode(readFileSync(path.join(HISTORIES_DIR, file))),
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
