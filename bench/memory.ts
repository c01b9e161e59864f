/**
 * Where the workers' memory goes under the webhook burst, in two or three minutes instead of the bench's
 * dozen: `npm run build && npx ts-node --transpile-only bench/memory.ts`. Not part of `npm run bench`
 * (whose goal 4 is the figure of record); it is how the README's memory levers were diagnosed.
 *
 * It starts the `npm start` stack (dist/, built beforehand: `npm run build`) with raised API rate limits,
 * sends an open loop of signed HubSpot `contact.creation` webhooks (BENCH_RATE/s for BENCH_DURATION s,
 * 220 and 20 by default), waits until every accepted contact is in the sandbox's Mailchimp list, and prints
 * once a second the workers process's resident memory beside what V8 says from inside it: the main
 * thread's heap (used / committed), its external memory (buffers), and the workflow threads' heaps. A
 * preload (NODE_OPTIONS=--require, written to the data directory) samples inside the workers process only.
 *
 * BENCH_STACK_ENV (JSON) adds settings to the stack's environment, e.g. '{"WORKER_MAX_OLD_SPACE_MB":"256"}'.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { getJson, openLoop, post, round } from './load';
import { startStack } from './stack';
import { hubspotWebhook } from './webhooks';

const RATE = Number(process.env.BENCH_RATE ?? 220);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 20);
const STACK_ENV = JSON.parse(process.env.BENCH_STACK_ENV ?? '{}') as Record<string, string>;
const MB = 1024 * 1024;

/** Runs in every process of the stack; samples only in the workers process (and its workflow threads). */
const SAMPLER = `
const { isMainThread, threadId } = require('node:worker_threads');
const v8 = require('node:v8');
const fs = require('node:fs');
const file = process.env.BENCH_MEMORY_SAMPLES;
if (isMainThread && process.argv.includes('--role=workers')) process.env.BENCH_MEMORY_ROLE = 'workers';
if (file && process.env.BENCH_MEMORY_ROLE === 'workers') {
  setInterval(() => {
    const h = v8.getHeapStatistics();
    const m = isMainThread ? process.memoryUsage() : undefined;
    fs.appendFileSync(file, JSON.stringify({
      t: Date.now(), thread: threadId, used: h.used_heap_size, committed: h.total_heap_size,
      limit: h.heap_size_limit, malloced: h.malloced_memory, rss: m && m.rss, external: m && m.external,
      anon: isMainThread ? Number(/Anonymous:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/smaps_rollup', 'utf8'))[1]) * 1024 : undefined,
    }) + '\\n');
  }, 1000).unref();
}
`;

interface Sample {
  t: number;
  thread: number;
  used: number;
  committed: number;
  limit: number;
  malloced: number;
  rss?: number;
  external?: number;
  anon?: number;
}

const cfg = loadConfig({ ...process.env, SWITCHBOARD_SANDBOX: 'true', LOG_LEVEL: 'silent' });
const log = (msg: string) => console.error(`[memory ${new Date().toISOString().slice(11, 19)}] ${msg}`);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-memory-'));
  const samplesFile = path.join(dataDir, 'samples.jsonl');
  const samplerFile = path.join(dataDir, 'sampler.js');
  writeFileSync(samplerFile, SAMPLER);
  writeFileSync(samplesFile, '');
  log(
    `load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; stack env ${JSON.stringify(STACK_ENV)}`,
  );
  const stack = await startStack({
    entry: 'dist',
    dataDir,
    logFile: path.join(dataDir, 'stack.log'),
    env: {
      HUBSPOT_RATE_LIMIT_PER_SECOND: '1000',
      MAILCHIMP_RATE_LIMIT_PER_SECOND: '1000',
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${samplerFile}`.trim(),
      BENCH_MEMORY_SAMPLES: samplesFile,
      ...STACK_ENV,
    },
  });
  try {
    const listId = cfg.contactSync.mailchimpListId;
    const stats = () =>
      getJson<{ member_count: number }>(`${stack.sandboxUrl}/_sandbox/mailchimp/lists/${listId}/stats`);
    const seeded = await post(
      `${stack.sandboxUrl}/_sandbox/hubspot/contacts/bulk`,
      JSON.stringify({ count: Math.ceil(RATE * DURATION_S), prefix: 'memory' }),
      { 'content-type': 'application/json' },
    );
    const firstId = Number((JSON.parse(seeded.body) as { firstId: string }).firstId);
    const before = (await stats()).member_count;
    const workersRss = () => stack.memory().find((p) => p.role === 'workers')?.rssMb ?? 0;
    const line = (label: string) => {
      const samples = readFileSync(samplesFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Sample);
      const latest = new Map<number, Sample>();
      for (const s of samples) latest.set(s.thread, s);
      const main = latest.get(0);
      const threads = [...latest.values()].filter((s) => s.thread !== 0);
      const mb = (n = 0) => Math.round(n / MB);
      log(
        `${label}: workers RSS ${workersRss()} MB; main heap ${mb(main?.used)}/${mb(main?.committed)} MB ` +
          `(limit ${mb(main?.limit)}), external ${mb(main?.external)} MB, V8 malloced ${mb(main?.malloced)} MB; ` +
          `workflow threads heap ` +
          threads
            .map((s) => `${mb(s.used)}/${mb(s.committed)} (limit ${mb(s.limit)}, malloced ${mb(s.malloced)})`)
            .join(', ') +
          ` MB; anonymous ${mb(main?.anon)} MB`,
      );
      return workersRss();
    };
    let peak = line('idle');
    let eventId = Date.now() * 10;
    const url = `${stack.gatewayUrl}/webhooks/hubspot`;
    const secret = cfg.webhookSecrets.hubspot[0];
    const startedAt = Date.now();
    const result = await openLoop({
      rate: RATE,
      durationS: DURATION_S,
      send: async (i) => {
        const { body, headers } = hubspotWebhook(url, secret, firstId + i, eventId++);
        const res = await post(url, body, headers);
        return res.status === 202 ? true : `HTTP ${res.status}`;
      },
      onSecond: (s) => (peak = Math.max(peak, line(`${s} s`))),
    });
    log(
      `accepted ${result.ok}/${result.sent} (${result.acceptedPerSecond}/s, p99 ${result.latencyMs.p99} ms)`,
    );
    let written = 0;
    let lastChange = Date.now();
    for (let s = 0; Date.now() - lastChange < 30_000; s++) {
      await new Promise((r) => setTimeout(r, 1000));
      const now = (await stats()).member_count - before;
      if (now !== written) lastChange = Date.now();
      written = now;
      peak = Math.max(peak, line(`drain ${s} s, ${written} written`));
      if (written >= result.ok) break;
    }
    const seconds = (lastChange - startedAt) / 1000;
    log(
      `PEAK workers RSS ${peak} MB; ${written}/${result.ok} written in ${round(seconds)} s ` +
        `(${round(written / seconds)}/s end to end); load ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}`,
    );
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
