/**
 * Routes the SDK's own logs (workers, workflows' logger, activities' logger) into our pino logger and,
 * when a metrics address is given, serves the SDK's worker metrics (task latencies, schedule-to-start,
 * poll failures, slots) for Prometheus on it.
 */
import { DefaultLogger, LogLevel, Runtime } from '@temporalio/worker';
import type { Logger } from '../logger';

let installed = false;

export function installRuntimeLogger(
  logger: Logger,
  level: LogLevel = 'INFO',
  metricsBindAddress?: string,
): void {
  if (installed) return;
  installed = true;
  const sdk = logger.child({ component: 'temporal-sdk' });
  Runtime.install({
    telemetryOptions: metricsBindAddress
      ? { metrics: { prometheus: { bindAddress: metricsBindAddress } } }
      : undefined,
    logger: new DefaultLogger(level, ({ level: lvl, message, meta }) => {
      // Activity-only workers (one per API queue) are that way by design.
      if (message.startsWith('No workflows registered')) return;
      const method =
        lvl === 'ERROR'
          ? 'error'
          : lvl === 'WARN'
            ? 'warn'
            : lvl === 'DEBUG' || lvl === 'TRACE'
              ? 'debug'
              : 'info';
      sdk[method]({ ...meta }, message);
    }),
  });
}
