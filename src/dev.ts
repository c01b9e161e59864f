/**
 * Entry point of `npm start`: everything on one machine — the Temporal dev server (unless TEMPORAL_ADDRESS
 * points elsewhere), and the sandbox APIs, the workers and the gateway, each in a process of its own
 * (src/sandbox/main.ts, src/worker.ts, src/gateway.ts, forked with this process's node flags), so they
 * spread over the cores and the gateway's event loop never waits behind an activity. Ctrl-C stops it all;
 * if one of them dies, the others are stopped, the message says which one and how, and this exits 1.
 */
// First: turns the sandbox on before any module reads the config (the children inherit the environment).
import './sandbox/enable';
import path from 'node:path';
import { config, SANDBOX_API_KEY, workerV8Flags } from './config';
import { logger } from './logger';
import { DevServer, startDevServer } from './runtime/devServer';
import { describeExit, ProcessSupervisor } from './runtime/supervisor';
import type { SandboxReady } from './sandbox/main';

/**
 * The workers' and the sandbox's CPU priority: on a machine whose cores are all busy (a webhook burst on
 * a laptop), accepting a webhook, which a sender waits on and times out, goes before processing a run,
 * which waits durably in Temporal. Measured with the bench (README "Performance").
 */
const BACKGROUND_NICENESS = 10;
/** An entry point beside this file: .js from dist/, .ts under ts-node (the bench's smoke run). */
const entry = (name: string) => path.join(__dirname, `${name}${path.extname(__filename)}`);

let devServer: DevServer | undefined;
let devServerStarting: Promise<DevServer | undefined> | undefined;
let shuttingDown: Promise<never> | undefined;
const supervisor = new ProcessSupervisor((exit) => {
  logger.fatal(
    { process: exit.name, pid: exit.pid, code: exit.code, signal: exit.signal },
    `the ${exit.name} process ${describeExit(exit)}: stopping everything`,
  );
  void shutdown(1);
});

/** Stops the children (each drains as on Ctrl-C), then the dev server, then exits with `code`. */
function shutdown(code: number): Promise<never> {
  shuttingDown ??= (async () => {
    await supervisor.stop();
    await devServerStarting?.catch(() => undefined);
    await devServer?.stop();
    process.exit(code);
  })();
  return shuttingDown;
}

async function main(): Promise<void> {
  const started = Date.now();
  const cfg = config();
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (shuttingDown) return;
      logger.info({ signal }, 'stopping');
      void shutdown(0);
    });

  let address = cfg.temporal.address;
  if (!address) {
    const dbFile = path.resolve(cfg.temporal.dataDir, 'temporal.db');
    logger.info({ dbFile }, 'starting the Temporal dev server');
    devServerStarting = startDevServer({
      grpcPort: cfg.temporal.grpcPort,
      uiPort: cfg.temporal.uiPort,
      dbFile,
      uiCodecEndpoint: cfg.temporal.codecKey ? `http://localhost:${cfg.port}/codec` : undefined,
      log: (m) => logger.info(m),
    });
  }
  // The sandbox needs no Temporal: it starts while the dev server does.
  const sandboxReady = supervisor.start<SandboxReady>({
    name: 'sandbox',
    module: entry('sandbox/main'),
    // The demo data the README's curls use (Ada, deal 9001, ticket 5001…).
    args: ['--seed-demo'],
    // It stands in for APIs that run on other machines: it must not take the gateway's or the server's CPU.
    niceness: BACKGROUND_NICENESS,
  });
  // Awaited below, after the dev server; its failure meanwhile is reported by the supervisor.
  sandboxReady.catch(() => undefined);
  if (devServerStarting) {
    devServer = await devServerStarting;
    address = devServer!.address;
  }
  const sandbox = await sandboxReady;
  if (supervisor.isStopping) return;

  const gatewayUrl = `http://localhost:${cfg.port}`;
  // In the sandbox, failed-run alerts go to the sandbox's Slack-compatible receiver unless
  // ALERT_WEBHOOK_URL says otherwise, so the demo shows them (GET /_sandbox/alerts/messages).
  const alertWebhookUrl =
    cfg.alerts.webhookUrl ?? (cfg.sandbox.enabled ? sandbox.alertWebhookUrl : undefined);
  const temporal = { TEMPORAL_ADDRESS: address! };
  await Promise.all([
    // The workers also ensure the schedules before they report ready.
    supervisor.start({
      name: 'workers',
      module: entry('worker'),
      env: { ...temporal, ...(alertWebhookUrl ? { ALERT_WEBHOOK_URL: alertWebhookUrl } : {}) },
      readyTimeoutMs: 300_000,
      niceness: BACKGROUND_NICENESS,
      nodeFlags: workerV8Flags(cfg),
    }),
    supervisor.start({
      name: 'gateway',
      module: entry('gateway'),
      env: {
        ...temporal,
        // The local Web UI (a browser, no API key) decodes encrypted payloads through the gateway's /codec.
        ...(cfg.sandbox.enabled && process.env.CODEC_ALLOW_UNAUTHENTICATED === undefined
          ? { CODEC_ALLOW_UNAUTHENTICATED: 'true' }
          : {}),
      },
    }),
  ]);
  if (supervisor.isStopping) return;

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
      `  alerts         ${alertWebhookUrl === sandbox.alertWebhookUrl ? `GET ${sandbox.url}/_sandbox/alerts/messages` : alertWebhookUrl ? 'ALERT_WEBHOOK_URL' : 'logged only'}   (faults: ${sandbox.url}/_sandbox/<system>/faults)`,
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
}

main().catch((err) => {
  // Already on the way down (Ctrl-C, or a child that died and was reported): nothing more to say.
  if (!shuttingDown) logger.fatal({ err: (err as Error).message }, 'switchboard failed to start');
  void shutdown(1);
});
