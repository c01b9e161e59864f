/** The README's performance section, regenerated from a bench result (between the bench markers). */
import prettier from 'prettier';

export interface Goal {
  goal: string;
  measured: string;
  ratio: number | null;
  target: string;
  /** null: a breakdown row, which explains a goal and has no target of its own. */
  met: boolean | null;
}

interface Results {
  date: string;
  machine: { cpus: number; model: string; memoryGb: number; node: string; temporal: string };
  stackUnderTest: string;
  build: string;
  settings: { durationS: number; rate: number; concurrency: number; closedS: number; closedRounds: number };
  goals: Goal[];
  devServersAlone: { plainSqliteFile: { perSecond: number }; sqliteFileWithPragmas: { perSecond: number } };
  stack: {
    bareStarts: { perSecond: number }[];
    sustained: { acceptedPerSecond: number; errors: number; latencyMs: { p99: number } };
    e2e: { perSecond: number };
    oneActivityRoundTripMs: { p50: number };
  };
  fullSync: { contacts: number; contactsPerSecond: number; seconds: number };
}

const MARKED = /<!-- bench:start -->[\s\S]*<!-- bench:end -->/;

export async function renderReadme(readme: string, r: Results, resultsFile: string): Promise<string> {
  if (!MARKED.test(readme)) return readme;
  const m = r.machine;
  const bare = r.stack.bareStarts.map((b) => b.perSecond);
  const lines = [
    `Measured by \`npm run bench\` on ${r.date.slice(0, 10)} (all figures: \`${resultsFile}\`), on ${m.cpus} × ${m.model}, ` +
      `${m.memoryGb} GB, Node ${m.node}, ${m.temporal}. The stack under test is ${r.stackUnderTest} (${r.build}).`,
    '',
    '| goal | measured | ratio | target | met |',
    '| --- | --- | --- | --- | --- |',
    ...r.goals.map(
      (g) =>
        `| ${g.goal} | ${g.measured} | ${g.ratio === null ? '' : `${g.ratio}×`} | ${g.target} | ${g.met === null ? '' : g.met ? 'yes' : '**no**'} |`,
    ),
    '',
    '| on two cores | Switchboard, this machine, `npm start` | n8n, published |',
    '| --- | --- | --- |',
    `| webhooks accepted per second, sustained | **${r.stack.sustained.acceptedPerSecond}/s** (open loop at ${r.settings.rate}/s for ${r.settings.durationS} s, ${r.stack.sustained.errors} errors, p99 ${r.stack.sustained.latencyMs.p99} ms); each is a durable Temporal run | **220 executions/s** (single instance, 2-vCPU c5a.large, webhook → Set workflow, PostgreSQL) |`,
    `| completed end to end per second | ${r.stack.e2e.perSecond}/s (webhook → HubSpot read → Mailchimp write, two API calls, direct while the rate limits have room, else queued) | |`,
    `| full sync | ${r.fullSync.contacts} contacts in ${r.fullSync.seconds} s (${r.fullSync.contactsPerSecond}/s) at the default API rate limits | |`,
    '',
    `Baselines measured in the same run: a plain \`temporal server start-dev --db-filename\` (SQLite defaults) ` +
      `${r.devServersAlone.plainSqliteFile.perSecond} bare starts/s; the same with the WAL pragmas ` +
      `${r.devServersAlone.sqliteFileWithPragmas.perSecond}/s; the stack's own server while the stack runs ` +
      `${bare.join(' and ')}/s; a one-activity workflow's round trip p50 ${r.stack.oneActivityRoundTripMs.p50} ms.`,
    '',
    'How: the bench builds and starts `npm start` as a child process (own ports and data directory) and drives it ' +
      'from its own process over HTTP and gRPC. Rates at N in flight are closed loops (the next request as soon as ' +
      'one answers) of signed HubSpot `contact.creation` webhooks for distinct contacts, alternated with bare ' +
      '`client.workflow.start` calls of a workflow no worker polls, with signals into open runs of it, and with the request the gateway makes for such ' +
      'a webhook (src/runtime/startRun.ts) made directly to a task queue no worker polls; the sustained figure is an open loop (requests ' +
      'leave at a fixed rate whatever the answers; latency counts from when each was due). End to end counts until ' +
      "the last member is in the sandbox's Mailchimp list. HubSpot's and Mailchimp's rate limits are raised to " +
      "1000/s for goals 1–4 (they measure Switchboard, not the APIs' quotas) and left at their defaults (10/s) for " +
      'the full sync. Memory is the resident set of each process, read from /proc.',
  ];
  const section = `<!-- bench:start -->\n\n${lines.join('\n')}\n\n<!-- bench:end -->`;
  // Formatted as `npm run lint` expects, so a bench run never breaks CI.
  return prettier.format(readme.replace(MARKED, section), { parser: 'markdown', filepath: 'README.md' });
}
