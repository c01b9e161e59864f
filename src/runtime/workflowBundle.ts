/**
 * The worker's workflow bundle, built (webpack) in a short-lived child process: the bundler's memory never
 * enters the long-lived worker process, which kept ~110 MB more resident memory when it bundled itself
 * (measured: `npm run bench`, README "Performance"). Should the child fail, the worker bundles in process
 * as before, so a start never depends on this.
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkerOptions } from '@temporalio/worker';
import { generatedCodeDirectory, workflowEntry } from './workflowEntry';

type Source = Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath' | 'bundlerOptions'>;

/** @param failureConverterPath bundled in when set (see workflowFailureConverterPath). */
export async function workflowSource(failureConverterPath?: string): Promise<Source> {
  const codePath = await bundleInChild(failureConverterPath).catch(() => undefined);
  if (codePath) return { workflowBundle: { codePath } };
  const { workflowsPath, bundlerOptions } = workflowEntry();
  return { workflowsPath, bundlerOptions };
}

function bundleInChild(failureConverterPath?: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    // fork() reuses this process's node flags: under ts-node (the bench's smoke run) the child is too.
    // The bundle goes to this process's directory: a private one ends with the process that made it.
    const args = [generatedCodeDirectory(), ...(failureConverterPath ? [failureConverterPath] : [])];
    const child = fork(__filename, args, {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.once('message', (message: { codePath?: string }) => resolve(message.codePath));
    child.once('error', () => resolve(undefined));
    child.once('exit', (code) => {
      if (code !== 0) process.emitWarning(`bundling in a child process failed (${code}): ${stderr}`);
      resolve(undefined);
    });
  });
}

async function bundleAndReport(dir: string, failureConverterPath: string | undefined): Promise<void> {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const noop = () => undefined;
  const { code } = await bundleWorkflowCode({
    ...workflowEntry().bundleOptions,
    failureConverterPath,
    logger: { trace: noop, debug: noop, info: noop, log: noop, warn: noop, error: (m) => console.error(m) },
  });
  // Named by its content, written whole before it is named: processes bundling the same code share it.
  const codePath = path.join(
    dir,
    `bundle-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.js`,
  );
  if (!existsSync(codePath)) {
    writeFileSync(`${codePath}.${process.pid}.tmp`, code);
    renameSync(`${codePath}.${process.pid}.tmp`, codePath);
  }
  process.send?.({ codePath }, undefined, undefined, () => process.exit(0));
}

if (require.main === module) {
  bundleAndReport(process.argv[2], process.argv[3]).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
