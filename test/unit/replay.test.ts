/** Every recorded history (test/histories) replays against the current workflow code: determinism holds. */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { HISTORIES_DIR } from '../helpers/histories';

const expected = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.history.pb'))
  .map((f) => f.replace(/\.history\.pb$/, ''));

test('every recorded history replays deterministically', () => {
  expect(expected.length).toBeGreaterThan(0);
  const run = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.resolve(__dirname, '../../scripts/replayHistories.ts')],
    {
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  const results = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { history: string; ok: boolean; error?: string });
  expect(results.map((r) => r.history).sort()).toEqual([...expected].sort());
  for (const r of results) expect(r).toEqual({ history: r.history, ok: true });
  expect(run.status).toBe(0);
});
