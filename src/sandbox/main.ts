/**
 * Entry point: the sandbox stand-ins alone, as their own process (`node dist/sandbox/main.js`): `npm start`
 * runs it as a child of src/dev.ts (with `--seed-demo`: the demo data the README's curls use), and
 * scripts/production/run.ts as one process of a production-like run (no demo data).
 * The stand-ins take their credentials and webhook secrets from the same settings as the connectors
 * (src/config.ts), so they accept exactly what the connectors are configured to send, and sign their
 * webhooks with the secrets the gateway verifies. They listen on SANDBOX_PORT (loopback only) and deliver
 * webhooks to SANDBOX_WEBHOOK_TARGET (default: the gateway on this machine, http://127.0.0.1:<PORT>).
 */
import { config, ConfigError } from '../config';
import { logger } from '../logger';
import { followParent, reportReady } from '../runtime/supervisor';
import { seedSandbox } from './seed';
import { startSandbox } from './server';

/** What the sandbox process tells `npm start` once it listens. */
export interface SandboxReady {
  url: string;
  alertWebhookUrl: string;
}

async function main(): Promise<void> {
  followParent();
  const cfg = config();
  // Not a Switchboard setting: where this stand-in process sends the webhooks it signs.
  const target = process.env.SANDBOX_WEBHOOK_TARGET?.replace(/\/+$/, '') || `http://127.0.0.1:${cfg.port}`;
  const sandbox = await startSandbox({ port: cfg.sandbox.port, config: cfg, gatewayUrl: target });
  if (process.argv.includes('--seed-demo')) seedSandbox(sandbox, cfg);
  let closing = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (closing) return;
      closing = true;
      void sandbox.close().then(() => process.exit(0));
    });
  logger.info({ url: sandbox.url, port: sandbox.port, webhookTarget: target }, 'sandbox listening');
  reportReady({ url: sandbox.url, alertWebhookUrl: sandbox.alertWebhookUrl } satisfies SandboxReady);
}

if (require.main === module) {
  main().catch((err) => {
    if (err instanceof ConfigError)
      logger.fatal({ problems: err.message.split('\n') }, 'configuration refused: the sandbox did not start');
    else logger.fatal({ err }, 'sandbox failed');
    process.exit(1);
  });
}
