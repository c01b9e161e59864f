/**
 * The catalog is the registry everything else reads, so a registration forgotten or wrong fails here,
 * in `npm test`, and not in a run: every folder is in the catalog, every workflow is in the worker's
 * bundle under its name, every trigger names a webhook source that exists, every system is known.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { SYSTEMS } from '../systems/index';
import { WEBHOOK_SOURCES } from '../systems/webhooks';
import { CATALOG } from './catalog';
import type { IntegrationDefinition } from './kit/types';
import workflows from './workflows';

const folders = readdirSync(__dirname).filter(
  (f) => f !== 'kit' && statSync(path.join(__dirname, f)).isDirectory(),
);

test('every integration folder is in the catalog, under its folder name', () => {
  expect(CATALOG.map((i) => i.id).sort()).toEqual([...folders].sort());
});

test.each(folders)('%s: its definition.ts exports the catalog entry', (folder) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the folder name is only known at run time
  const exported = Object.values(require(`./${folder}/definition`) as Record<string, unknown>);
  const entry = CATALOG.find((i) => i.id === folder);
  expect(exported).toContain(entry);
});

test('ids and workflow types are unique', () => {
  expect(new Set(CATALOG.map((i) => i.id)).size).toBe(CATALOG.length);
  expect(new Set(CATALOG.map((i) => i.workflow.name)).size).toBe(CATALOG.length);
});

describe.each(CATALOG.map((i) => [i.id, i] as [string, IntegrationDefinition]))('%s', (_id, integration) => {
  test('its workflow is in the worker bundle under its own name', () => {
    expect(integration.workflow.name).toMatch(/^[a-z][A-Za-z0-9]+$/);
    expect((workflows as Record<string, unknown>)[integration.workflow.name]).toBe(integration.workflow);
  });

  test('every webhook trigger names an existing source, and the integration plans runs from events', () => {
    for (const trigger of integration.triggers.webhooks) {
      expect(Object.keys(WEBHOOK_SOURCES)).toContain(trigger.source);
      expect(trigger.eventTypes.length).toBeGreaterThan(0);
    }
    if (integration.triggers.webhooks.length > 0) expect(integration.planFor).toBeInstanceOf(Function);
  });

  test('a manual trigger has an input schema and a plan; a schedule has its interval and plan', () => {
    if (integration.triggers.manual) {
      expect(integration.manualInput).toBeDefined();
      expect(integration.planManual).toBeInstanceOf(Function);
    }
    const { schedule } = integration.triggers;
    if (schedule)
      expect([schedule.every, schedule.plan]).toEqual([expect.any(Function), expect.any(Function)]);
    const triggered =
      integration.triggers.webhooks.length > 0 || schedule !== undefined || integration.triggers.manual;
    expect(triggered).toBe(true);
  });

  test('what flows is documented: systems known, a direction, a frequency, field maps', () => {
    const known: string[] = [...SYSTEMS, ...Object.keys(WEBHOOK_SOURCES)];
    for (const flow of [integration.from, ...integration.to]) expect(known).toContain(flow.system);
    expect(integration.title.length).toBeGreaterThan(0);
    expect(integration.description.length).toBeGreaterThan(20);
    expect(integration.frequency.length).toBeGreaterThan(0);
    expect(Object.keys(integration.fieldMaps).length).toBeGreaterThan(0);
  });
});
