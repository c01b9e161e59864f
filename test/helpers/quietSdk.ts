/** Keeps the SDK's worker lifecycle chatter out of test output; warnings and errors still show. */
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({
    logger: new DefaultLogger('WARN', ({ level, message, meta }) => {
      if (message.startsWith('No workflows registered')) return; // activity-only API workers, by design
      console.warn(`[${level}] ${message}`, meta ?? '');
    }),
  });
} catch {
  // already installed by an earlier test file in this Jest worker process
}
