/**
 * Entry point of `npm start`: everything on one machine — the Temporal dev server (unless
 * TEMPORAL_ADDRESS points elsewhere), the sandbox APIs, the workers and the gateway. Ctrl-C stops it all.
 */
// First: turns the sandbox on before any module reads the config.
import './sandbox/enable';
import path from 'node:path';
import { createActivitiesBySystem } from './systems/activities';
import { config, SANDBOX_API_KEY } from './config';
import { startGateway } from './gateway';
import { logger } from './logger';
import { startSandbox } from './sandbox/server';
import { seedSandbox } from './sandbox/seed';
import { connectWorker, createClient } from './runtime/connection';
import { DevServer, startDevServer } from './runtime/devServer';
import { installRuntimeLogger } from './runtime/runtime';
import { ensureSchedules } from './runtime/schedules';
import { createWorkers } from './runtime/workers';

async function main(): Promise<void> {
  const started = Date.now();
  const cfg = config();
  installRuntimeLogger(logger, 'WARN', cfg.workerMetricsAddress);
  // The local Web UI (a browser, no API key) decodes encrypted payloads through the gateway's /codec.
  if (cfg.sandbox.enabled) cfg.codecAllowUnauthenticated ??= true;

  let devServer: DevServer | undefined;
  let address = cfg.temporal.address;
  if (!address) {
    const dbFile = path.resolve(cfg.temporal.dataDir, 'temporal.db');
    logger.info({ dbFile }, 'starting the Temporal dev server');
    devServer = await startDevServer({
      grpcPort: cfg.temporal.grpcPort,
      uiPort: cfg.temporal.uiPort,
      dbFile,
      uiCodecEndpoint: cfg.temporal.codecKey ? `http://localhost:${cfg.port}/codec` : undefined,
      log: (m) => logger.info(m),
    });
    address = devServer.address;
  }

  const gatewayUrl = `http://localhost:${cfg.port}`;
  const sandbox = await startSandbox({ port: cfg.sandbox.port, config: cfg, gatewayUrl });
  seedSandbox(sandbox, cfg);
  // In the sandbox, failed-run alerts go to the sandbox's Slack-compatible receiver unless
  // ALERT_WEBHOOK_URL says otherwise, so the demo shows them (GET /_sandbox/alerts/messages).
  if (cfg.sandbox.enabled && !cfg.alerts.webhookUrl) cfg.alerts.webhookUrl = sandbox.alertWebhookUrl;

  const connection = await connectWorker(cfg.temporal, address);
  const workers = await createWorkers({
    config: cfg,
    connection,
    activities: createActivitiesBySystem({ config: cfg, logger }),
  });
  const workersDone = workers.run();
  await ensureSchedules(createClient(cfg.temporal, address), cfg, logger);
  const gateway = await startGateway(cfg.port, address);

  const uiUrl = devServer?.uiUrl ?? cfg.temporal.webUiUrl;
  const ready = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    [
      '',
      `Switchboard is up (${ready} s)`,
      `  operations     ${gatewayUrl}/   (every integration's last 24 h: runs, failures, alerts)`,
      `  gateway        ${gatewayUrl}   (/integrations.html, /runs, /metrics, /openapi.json)`,
      // Only the sandbox key is shown: a key from the environment is a secret.
      ...(cfg.apiKeys.includes(SANDBOX_API_KEY)
        ? [`  API key        Authorization: Bearer ${SANDBOX_API_KEY}`]
        : []),
      `  Temporal UI    ${uiUrl}   (filter: Integration = "contact-sync")`,
      `  Temporal gRPC  ${address}`,
      `  sandbox APIs   ${sandbox.url}   (HubSpot at /hubspot, Mailchimp at /mailchimp)`,
      // A real incoming-webhook URL is a secret: only the sandbox's own is printed.
      `  alerts         ${cfg.alerts.webhookUrl === sandbox.alertWebhookUrl ? `GET ${sandbox.url}/_sandbox/alerts/messages` : cfg.alerts.webhookUrl ? 'ALERT_WEBHOOK_URL' : 'logged only'}   (faults: ${sandbox.url}/_sandbox/<system>/faults)`,
      '',
      'Fire a signed HubSpot webhook (the sandbox changes contact 101 and signs the webhook like HubSpot):',
      `  curl -s -X POST ${sandbox.url}/_sandbox/hubspot/contacts/101 -H 'content-type: application/json' \\`,
      `    -d '{"properties":{"firstname":"Ada","lastname":"Lovelace","email":"ada@example.com"}}'`,
      'Then see the member Mailchimp received:',
      `  curl -s ${sandbox.url}/_sandbox/mailchimp/lists/${cfg.contactSync.mailchimpListId}/members`,
      'Win a deal (Slack message + Stripe invoice; see README "deal-won"):',
      `  curl -s -X POST ${sandbox.url}/_sandbox/hubspot/deals/9001 -H 'content-type: application/json' \\`,
      `    -d '{"properties":{"dealname":"Acme renewal","dealstage":"closedwon","amount":"25000"},"contactId":"101"}'`,
      'Every integration has its curl in the README ("Integrations").',
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await new Promise<void>((resolve) => gateway.close(() => resolve()));
    workers.shutdown();
    await workersDone.catch(() => undefined);
    await connection.close();
    await sandbox.close();
    await devServer?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  logger.fatal({ err: (err as Error).message }, 'switchboard failed to start');
  process.exit(1);
});
