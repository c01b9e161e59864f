/**
 * Entry point: the sandbox stand-ins alone, as their own process (`node dist/sandbox/main.js`), for a
 * production-like run where the gateway and workers are separate processes (scripts/production/run.ts).
 * The stand-ins take their credentials and webhook secrets from the same settings as the connectors
 * (src/config.ts), so they accept exactly what the connectors are configured to send, and sign their
 * webhooks with the secrets the gateway verifies. They listen on SANDBOX_PORT (loopback only) and deliver
 * webhooks to SANDBOX_WEBHOOK_TARGET (default: the gateway on this machine, http://127.0.0.1:<PORT>).
 */
import { config, ConfigError } from '../config';
import { logger } from '../logger';
import { startSandbox } from './server';

async function main(): Promise<void> {
  const cfg = config();
  // Not a Switchboard setting: where this stand-in process sends the webhooks it signs.
  const target = process.env.SANDBOX_WEBHOOK_TARGET?.replace(/\/+$/, '') || `http://127.0.0.1:${cfg.port}`;
  const sandbox = await startSandbox({ port: cfg.sandbox.port, config: cfg, gatewayUrl: target });
  logger.info({ url: sandbox.url, port: sandbox.port, webhookTarget: target }, 'sandbox listening');
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => void sandbox.close().then(() => process.exit(0)));
}

if (require.main === module) {
  main().catch((err) => {
    if (err instanceof ConfigError)
      logger.fatal({ problems: err.message.split('\n') }, 'configuration refused: the sandbox did not start');
    else logger.fatal({ err }, 'sandbox failed');
    process.exit(1);
  });
}
