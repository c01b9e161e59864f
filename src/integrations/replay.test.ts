/**
 * Every catalog entry's recorded histories (src/integrations/<id>/histories) replay against the current workflow code: determinism holds.
 * And the check has teeth: a history whose recorded steps no longer match the code fails the replay.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CATALOG } from './catalog';
import { historiesDirOf, recordedHistories } from './histories';

const expected = recordedHistories().map((h) => h.name);

/** Runs `npm run replay` (scripts/replayHistories.ts) in its own process, as an operator would. */
function replay(files: string[] = []) {
  const run = spawnSync(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      path.resolve(__dirname, '../../scripts/replayHistories.ts'),
      ...files,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  const results = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { history: string; ok: boolean; error?: string });
  return { status: run.status, results, stderr: run.stderr };
}

test('every recorded history of every integration in the catalog replays deterministically', () => {
  // Walked from the catalog: a new integration's folder is found without being listed here.
  const withHistories = new Set(recordedHistories().map((h) => h.integration));
  expect(withHistories.size).toBeGreaterThan(0);
  for (const id of withHistories) expect(CATALOG.map((i) => i.id)).toContain(id);
  const { status, results, stderr } = replay();
  expect(results.map((r) => r.history).sort()).toEqual([...expected].sort());
  for (const r of results) expect(r).toEqual({ history: r.history, ok: true });
  expect([status, stderr]).toEqual([0, '']);
});

test('a history that no longer matches the code (an activity renamed) fails the replay', () => {
  const original = readFileSync(path.join(historiesDirOf('deal-won'), 'deal-won.history.json'), 'utf8');
  const [first] = /"name": "(get|create|upsert|post|find)[A-Za-z]+"/.exec(original) ?? [];
  expect(first).toBeDefined();
  const tampered = original.split(first!).join('"name": "renamedActivity"');
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'replay-')), 'deal-won.history.json');
  writeFileSync(file, tampered);

  const { status, results } = replay([file]);
  expect(results).toEqual([{ history: 'deal-won', ok: false, error: expect.any(String) }]);
  expect(status).toBe(1);
});
