/** Entry point: the Express gateway process. */
import type { Server } from 'node:http';
import { createApp } from './gateway/app';
import { createMetrics } from './gateway/metrics';
import { config, ConfigError } from './config';
import { logger } from './logger';
import { createClient } from './runtime/connection';
import { followParent, reportReady } from './runtime/supervisor';

export function startGateway(port = config().port, address?: string): Promise<Server> {
  const cfg = config();
  const client = createClient(
    cfg.temporal,
    address ?? cfg.temporal.address ?? `127.0.0.1:${cfg.temporal.grpcPort}`,
  );
  const app = createApp({
    config: cfg,
    client,
    logger,
    metrics: createMetrics({ processMetrics: true }),
  });
  return new Promise((resolve) => {
    const server = app.listen(port, cfg.host, () => resolve(server));
  });
}

if (require.main === module) {
  followParent();
  // In a promise, so that a configuration error (thrown by config()) is reported like any other failure.
  Promise.resolve()
    .then(() => startGateway())
    .then((server) => {
      const { address: host, port } = server.address() as { address: string; port: number };
      let closing = false;
      for (const signal of ['SIGINT', 'SIGTERM'] as const)
        process.on(signal, () => {
          if (closing) return;
          closing = true;
          // Requests in flight finish (each is at most one Temporal deadline); idle keep-alives go now.
          server.close(() => process.exit(0));
          server.closeIdleConnections();
        });
      logger.info({ host, port }, 'gateway listening');
      reportReady({ port });
    })
    .catch((err) => {
      if (err instanceof ConfigError)
        logger.fatal(
          { problems: err.message.split('\n') },
          'configuration refused: the gateway did not start',
        );
      else logger.fatal({ err }, 'gateway failed');
      process.exit(1);
    });
}
