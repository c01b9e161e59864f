/**
 * Each integration keeps the histories of real runs in its own folder (`<id>/histories/*.history.json`,
 * the Web UI's and the CLI's JSON format). The replay test and `npm run replay` walk the catalog to find
 * them, so a new integration's histories are replayed without being listed anywhere.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { CATALOG } from './catalog';

/** Where an integration's recorded histories live (the source folder, also when run from dist/). */
export function historiesDirOf(integrationId: string): string {
  return path.resolve(__dirname, '..', '..', 'src', 'integrations', integrationId, 'histories');
}

export interface RecordedHistory {
  integration: string;
  /** The file name without `.history.json`: the history's name in replay results. */
  name: string;
  file: string;
}

export function recordedHistories(catalog = CATALOG): RecordedHistory[] {
  return catalog.flatMap(({ id }) => {
    const dir = historiesDirOf(id);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => f.endsWith('.history.json'))
      .sort()
      .map((f) => ({ integration: id, name: f.replace(/\.history\.json$/, ''), file: path.join(dir, f) }));
  });
}
