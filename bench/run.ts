/**
 * `npm run bench`: the speed of the whole path on this machine, on a real Temporal dev server.
 *   1. ingest   — signed HubSpot webhooks for distinct contacts, 20 in flight: 202 latency and rate
 *   2. end-to-end — from the first webhook until every contact is a Mailchimp member
 *   3. dedupe   — the same delivery 200 times at once: all 202, one run
 * Rate limits are raised for the bench (we measure Switchboard, not the APIs' quotas). The figures are
 * printed and written into README.md between the bench markers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import prettier from 'prettier';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { createActivities } from '../src/systems/activities';
import { subscriberHash } from '../src/systems/mailchimp/api';
import { createApp } from '../src/gateway/app';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startSandbox } from '../src/sandbox/server';
import { freePort, startDevServer } from '../src/runtime/devServer';
import { createWorkers } from '../src/runtime/workers';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 500);
const CONCURRENCY = 20;
const DUPLICATES = 200;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function pool<T>(items: T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const server = await startDevServer({ log: () => undefined });
  const sandboxPort = await freePort();
  const config = loadConfig({
    SANDBOX_PORT: String(sandboxPort),
    CONTACT_SYNC_IDLE_TIMEOUT: '2s',
    HUBSPOT_RATE_LIMIT_PER_SECOND: '1000',
    MAILCHIMP_RATE_LIMIT_PER_SECOND: '1000',
    LOG_LEVEL: 'silent',
  });
  const logger = createLogger('silent');
  const sandbox = await startSandbox({ port: sandboxPort, config });
  const client = new Client({ connection: await Connection.connect({ address: server.address }) });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const workers = await createWorkers({
    config,
    connection: nativeConnection,
    activities: createActivities({ config, logger }),
  });
  const running = workers.run();
  const app = createApp({ config, client, logger });
  const gateway: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const gatewayUrl = `http://127.0.0.1:${(gateway.address() as { port: number }).port}`;
  sandbox.setGatewayUrl(gatewayUrl);

  const ids = Array.from({ length: CONTACTS }, (_, i) => String(900000 + i));
  for (const id of ids)
    sandbox.hubspot.upsertContact(id, { email: `bench${id}@example.com`, firstname: 'Bench', lastname: id });

  // 1 + 2: ingest and end to end
  const latencies: number[] = [];
  const started = Date.now();
  await pool(ids, CONCURRENCY, async (id) => {
    const t = performance.now();
    const reply = await sandbox.hubspot.sendWebhook([{ subscriptionType: 'contact.creation', objectId: id }]);
    latencies.push(performance.now() - t);
    if (reply.status !== 202) throw new Error(`webhook for ${id} got ${reply.status}`);
  });
  const ingestSeconds = (Date.now() - started) / 1000;
  const members = () => sandbox.mailchimp.lists.get(config.contactSync.mailchimpListId);
  while (
    (ids.filter((id) => members()?.has(subscriberHash(`bench${id}@example.com`))).length ?? 0) < CONTACTS
  ) {
    if (Date.now() - started > 300_000) throw new Error('end-to-end did not finish within 5 minutes');
    await new Promise((r) => setTimeout(r, 50));
  }
  const e2eSeconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);

  // 3: duplicate storm
  const dupId = ids[0];
  const first = await sandbox.hubspot.sendWebhook([
    { subscriptionType: 'contact.propertyChange', objectId: dupId },
  ]);
  const body = JSON.stringify(first.sent);
  const dupStarted = performance.now();
  const replies = await Promise.all(
    Array.from({ length: DUPLICATES }, () => sandbox.hubspot.deliver(`${gatewayUrl}/webhooks/hubspot`, body)),
  );
  const dupMs = performance.now() - dupStarted;
  const answered202 = replies.filter((r) => r.status === 202).length;

  const rows = [
    ['machine', `${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}`],
    [
      'webhooks accepted (202, durably started in Temporal)',
      `${CONTACTS} in ${ingestSeconds.toFixed(1)} s = **${(CONTACTS / ingestSeconds).toFixed(0)}/s** (${CONCURRENCY} in flight)`,
    ],
    [
      'webhook → 202 latency',
      `p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms`,
    ],
    [
      'end to end (webhook → CRM read → Mailchimp upsert)',
      `${CONTACTS} contacts in ${e2eSeconds.toFixed(1)} s = **${(CONTACTS / e2eSeconds).toFixed(0)} contacts/s**`,
    ],
    [
      'duplicate storm',
      `${DUPLICATES} identical deliveries in ${dupMs.toFixed(0)} ms: ${answered202} answered 202, applied once by the contact's run`,
    ],
  ];
  const table = ['| measure | result |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join(
    '\n',
  );
  console.log(table);

  const readme = path.resolve(__dirname, '..', 'README.md');
  const text = readFileSync(readme, 'utf8');
  const marked = /<!-- bench:start -->[\s\S]*<!-- bench:end -->/;
  if (marked.test(text)) {
    const stamp = `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}:`;
    const updated = text.replace(marked, `<!-- bench:start -->\n${stamp}\n\n${table}\n<!-- bench:end -->`);
    // Formatted as `npm run lint` expects, so a bench run never breaks CI.
    writeFileSync(readme, await prettier.format(updated, { parser: 'markdown', filepath: readme }));
  }

  gateway.close();
  workers.shutdown();
  await running;
  await nativeConnection.close();
  await client.connection.close();
  await sandbox.close();
  await server.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
