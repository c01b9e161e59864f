/**
 * The process supervisor of `npm start`, with tiny child scripts standing in for the gateway, the workers
 * and the sandbox: ready messages, a child that dies unasked, and stop() leaving nothing behind.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChildExit, describeExit, ProcessSupervisor } from './supervisor';

const dir = mkdtempSync(path.join(os.tmpdir(), 'supervisor-test-'));
const READY = `process.send({ type: 'switchboard:ready', pid: process.pid, role: process.argv[2] });`;

/** A child script in plain JavaScript (the test runs under ts-jest; the children under plain node). */
function script(name: string, body: string): string {
  const file = path.join(dir, `${name}.js`);
  writeFileSync(file, body);
  return file;
}

// Stays up (a timer) until SIGTERM, then exits 0, like the entry points do.
const server = script(
  'server',
  `const t = setInterval(() => {}, 1000); process.on('SIGTERM', () => { clearInterval(t); process.exit(0); }); ${READY}`,
);
// Reports ready, then dies when told to by its parent.
const fragile = script(
  'fragile',
  `const t = setInterval(() => {}, 1000); process.on('message', (m) => { if (m === 'die') process.exit(3); }); ${READY}`,
);
const broken = script('broken', `process.exit(2);`);

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('starts children, hands back their ready message, and stop() ends every one', async () => {
  const unexpected: ChildExit[] = [];
  const supervisor = new ProcessSupervisor((exit) => unexpected.push(exit));
  const [a, b] = await Promise.all([
    supervisor.start<{ pid: number; role: string }>({ name: 'gateway', module: server }),
    supervisor.start<{ pid: number; role: string }>({ name: 'workers', module: server }),
  ]);
  expect(a.role).toBe('--role=gateway');
  expect(b.role).toBe('--role=workers');
  expect(alive(a.pid) && alive(b.pid)).toBe(true);

  const exits = await supervisor.stop();
  expect(exits.map((e) => [e.name, e.code])).toEqual([
    ['gateway', 0],
    ['workers', 0],
  ]);
  expect(alive(a.pid) || alive(b.pid)).toBe(false);
  expect(unexpected).toEqual([]);
});

test('a child that dies unasked is reported once, with its exit code, and the rest can be stopped', async () => {
  let reported: (exit: ChildExit) => void = () => undefined;
  const died = new Promise<ChildExit>((resolve) => (reported = resolve));
  const supervisor = new ProcessSupervisor((exit) => reported(exit));
  const other = await supervisor.start<{ pid: number }>({ name: 'sandbox', module: server });
  await supervisor.start({ name: 'workers', module: fragile });
  // The only way to reach the child from here: its IPC channel.
  const child = (supervisor as unknown as { children: { process: NodeJS.Process }[] }).children[1];
  child.process.send!('die');

  const exit = await died;
  expect(exit).toMatchObject({ name: 'workers', code: 3, signal: null });
  expect(describeExit(exit)).toBe('exited with code 3');
  expect(supervisor.isStopping).toBe(true);
  await supervisor.stop();
  expect(alive(other.pid)).toBe(false);
});

test('a child that exits before it is ready fails its start, naming it', async () => {
  const supervisor = new ProcessSupervisor(() => undefined);
  await expect(supervisor.start({ name: 'gateway', module: broken })).rejects.toThrow(
    'the gateway process exited with code 2 while starting',
  );
  await expect(supervisor.start({ name: 'workers', module: server })).rejects.toThrow(/stopping/);
});

test("a child starts with its own node flags beside the parent's", async () => {
  const reporter = script(
    'flags',
    `process.send({ type: 'switchboard:ready', execArgv: process.execArgv });
     const t = setInterval(() => {}, 1000);
     process.on('SIGTERM', () => { clearInterval(t); process.exit(0); });`,
  );
  const supervisor = new ProcessSupervisor(() => undefined);
  try {
    const [flagged, plain] = await Promise.all([
      supervisor.start<{ execArgv: string[] }>({
        name: 'workers',
        module: reporter,
        nodeFlags: ['--max-semi-space-size=4'],
      }),
      supervisor.start<{ execArgv: string[] }>({ name: 'gateway', module: reporter }),
    ]);
    expect(flagged.execArgv).toEqual([...process.execArgv, '--max-semi-space-size=4']);
    expect(plain.execArgv).toEqual(process.execArgv);
  } finally {
    await supervisor.stop();
  }
});

test('describeExit names a signal', () => {
  expect(describeExit({ code: null, signal: 'SIGKILL' })).toBe('was killed by SIGKILL');
});

test('a background child runs every thread at the niceness it was given; the others at 0', async () => {
  // A child that follows its parent as the entry points do, and reports each of its threads' nice value
  // after starting a worker thread of its own.
  const supervisorModule = require.resolve('./supervisor');
  const tsNode = require.resolve('ts-node/register/transpile-only');
  const reporter = script(
    'niceness',
    `require(${JSON.stringify(tsNode)});
     require(${JSON.stringify(supervisorModule)}).followParent();
     const { Worker } = require('node:worker_threads');
     const fs = require('node:fs');
     const w = new Worker('setInterval(() => {}, 1000)', { eval: true });
     w.on('online', () => {
       // Linux: every thread's own value (field 19 of its stat); elsewhere the process's.
       const nice = fs.existsSync('/proc/self/task')
         ? fs.readdirSync('/proc/self/task').map((t) => {
             const stat = fs.readFileSync('/proc/self/task/' + t + '/stat', 'utf8');
             return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
           })
         : [require('node:os').getPriority()];
       process.send({ type: 'switchboard:ready', nice });
       process.on('SIGTERM', () => process.exit(0));
     });`,
  );
  const supervisor = new ProcessSupervisor(() => undefined);
  try {
    const background = await supervisor.start<{ nice: number[] }>({
      name: 'workers',
      module: reporter,
      niceness: 10,
      readyTimeoutMs: 60_000,
    });
    const foreground = await supervisor.start<{ nice: number[] }>({
      name: 'gateway',
      module: reporter,
      readyTimeoutMs: 60_000,
    });
    // Relative to this process's own priority: a test runner may itself run at a lower one.
    const own = os.getPriority();
    if (process.platform === 'linux') expect(background.nice.length).toBeGreaterThan(3);
    expect(new Set(background.nice)).toEqual(new Set([Math.max(10, own)]));
    expect(new Set(foreground.nice)).toEqual(new Set([own]));
  } finally {
    await supervisor.stop();
  }
}, 90_000);
