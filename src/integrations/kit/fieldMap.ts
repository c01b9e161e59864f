/**
 * Declarative field maps: data, not code, so the catalog can show them (GET /integrations) and the same
 * map runs identically inside a workflow (pure, deterministic) and in tests.
 */
export const TRANSFORMS = {
  trim: (v: unknown) => (typeof v === 'string' ? v.trim() : v),
  lowercase: (v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
  uppercase: (v: unknown) => (typeof v === 'string' ? v.trim().toUpperCase() : v),
  toNumber: (v: unknown) => (v === '' || v === null || v === undefined ? undefined : Number(v)),
  toBoolean: (v: unknown) => v === true || v === 'true' || v === '1',
  emptyToUndefined: (v: unknown) => (v === '' || v === null ? undefined : v),
} as const;

export type TransformName = keyof typeof TRANSFORMS;

export interface FieldRule {
  /** Path in the source record; dots separate levels ("properties.firstname"); any other character is literal ("First Name"). */
  from: string;
  /** Path in the target record ("merge_fields.FNAME"). */
  to: string;
  transform?: TransformName;
  /** Used when the source has no value. */
  default?: string | number | boolean;
}

export type FieldMap = readonly FieldRule[];

export function getPath(record: unknown, path: string): unknown {
  let current: unknown = record;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function setPath(record: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let current = record;
  for (const key of keys.slice(0, -1)) {
    const next = current[key];
    current = (next && typeof next === 'object' ? next : (current[key] = {})) as Record<string, unknown>;
  }
  current[keys[keys.length - 1]] = value;
}

/** Applies the map; fields without a value (and no default) are left out rather than written as empty. */
export function applyFieldMap(map: FieldMap, source: unknown): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  for (const rule of map) {
    let value = getPath(source, rule.from);
    if (rule.transform) value = TRANSFORMS[rule.transform](value);
    if (value === undefined || value === null || value === '') value = rule.default;
    if (value !== undefined) setPath(target, rule.to, value);
  }
  return target;
}
