/**
 * Starts one real Temporal dev server for the integration tests (in memory, random port) and bundles the
 * workflows once. Each Jest worker gets its own namespace (test-<JEST_WORKER_ID>), so test files running
 * side by side never pick up each other's tasks.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowFailureConverterPath } from '../../src/runtime/dataConverter';
import { startDevServer } from '../../src/runtime/devServer';
import { workflowEntry } from '../../src/runtime/workflowEntry';

export const TEST_NAMESPACES = Array.from({ length: 8 }, (_, i) => `test-${i + 1}`);

export default async function globalSetup(): Promise<void> {
  const [server, bundle, encodingBundle] = await Promise.all([
    startDevServer({ namespaces: TEST_NAMESPACES, log: (m) => process.stderr.write(`${m}\n`) }),
    // The entry the worker bundles (src/runtime/workflowEntry.ts), so the tests run what production runs:
    // without PAYLOAD_CODEC_KEY, and with it (the failure converter bundled in).
    bundleWorkflowCode({ ...workflowEntry().bundleOptions, logger: quietLogger }),
    bundleWorkflowCode({
      ...workflowEntry().bundleOptions,
      failureConverterPath: workflowFailureConverterPath({ codecKey: 'any' }),
      logger: quietLogger,
    }),
  ]);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-test-'));
  const bundlePath = path.join(dir, 'workflows.js');
  const encodingBundlePath = path.join(dir, 'workflows-encoding-failures.js');
  writeFileSync(bundlePath, bundle.code);
  writeFileSync(encodingBundlePath, encodingBundle.code);
  process.env.SWITCHBOARD_TEST_TEMPORAL_ADDRESS = server.address;
  process.env.SWITCHBOARD_TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.SWITCHBOARD_TEST_WORKFLOW_BUNDLE_ENCODING_FAILURES = encodingBundlePath;
  (globalThis as { __temporalDevServer?: typeof server }).__temporalDevServer = server;
}

const noop = () => undefined;
const quietLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: (m: string) => console.error(m),
  log: noop,
};
