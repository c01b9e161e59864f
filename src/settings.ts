/**
 * Settings as data. Each setting is declared once, beside what uses it — core ones in src/config.ts, an
 * external system's in src/systems/<system>/settings.ts, an integration's in
 * src/integrations/<id>/settings.ts — as a typed declaration: variable, zod schema, defaults, whether it
 * is a secret and when it is required. src/config.ts reads every declaration through `SettingsReader`;
 * `npm run settings:docs` (scripts/settingsDocs.ts) writes .env.example and README's table from them.
 *
 * Pure (zod and data, no Node APIs): settings files may be imported anywhere.
 */
import { z } from 'zod';
import type { Duration } from '@temporalio/common';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;

/** What a sandbox default may depend on: where the sandbox stand-ins (src/sandbox) listen. */
export interface SandboxContext {
  /** e.g. http://127.0.0.1:4100; a system's stand-in is under /<system>. */
  url: string;
}

export interface Setting<S extends z.ZodType = z.ZodType> {
  /** The environment variable. */
  readonly env: string;
  /** Parses the raw string (the variable's value, else the default that applies). */
  readonly schema: S;
  /** One line for .env.example and README. */
  readonly description: string;
  /** Never shown: redacted in errors, and its sandbox value is not printed in the docs. */
  readonly secret: boolean;
  /**
   * Unset and no default applies: `true` stops start-up naming the variable; `false` leaves it
   * `undefined` (the feature it enables is off). Sandbox defaults apply only with SWITCHBOARD_SANDBOX=true,
   * so a required setting with a sandbox default is required everywhere else.
   */
  readonly required: boolean;
  /** A stricter rule in production (NODE_ENV=production), enforced by src/config.ts; in words, for the docs. */
  readonly requiredInProduction?: string;
  /** Used when unset, in every mode. */
  readonly default?: string;
  /** For the docs, when the default is computed from other settings by src/config.ts. */
  readonly defaultDoc?: string;
  /** Used when unset with SWITCHBOARD_SANDBOX=true (and only then): the local stand-ins' values. */
  readonly sandboxDefault?: string | ((sandbox: SandboxContext) => string);
  /** What .env.example proposes (e.g. the real service's base URL). */
  readonly example?: string;
  /** Set but empty is a value (e.g. "no prefix"), not "unset". */
  readonly emptyIsValue?: boolean;
}

export type SettingsDeclarations = Readonly<Record<string, Setting>>;

/** The parsed value: `undefined` only for a setting that is neither required nor defaulted. */
export type SettingValue<D extends Setting> = D extends { required: true } | { default: string }
  ? z.output<D['schema']>
  : z.output<D['schema']> | undefined;

export type SettingValues<D extends SettingsDeclarations> = { -readonly [K in keyof D]: SettingValue<D[K]> };

/** Declares one setting, keeping its literal `required`/`default` so its value's type is exact. */
export function setting<const D extends Setting>(declaration: D): D {
  return declaration;
}

/** An integration's settings, composed by src/config.ts into `config.<key>` (key: its line in src/integrations/catalog.ts). */
export interface IntegrationSettings<D extends SettingsDeclarations = SettingsDeclarations> {
  /** The integration's id: its folder under src/integrations. */
  readonly id: string;
  readonly settings: D;
}

export function defineIntegrationSettings<const D extends SettingsDeclarations>(
  module: IntegrationSettings<D>,
): IntegrationSettings<D> {
  return module;
}

// Schemas shared by many settings.
export const schemas = {
  port: z.coerce.number().int().min(0).max(65535),
  positiveInt: z.coerce.number().int().positive(),
  positiveNumber: z.coerce.number().positive(),
  url: z.url(),
  /** No trailing slash: paths are appended to it. */
  baseUrl: z.url().transform((v) => v.replace(/\/+$/, '')),
  bool: z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
  nonEmpty: z.string().min(1),
  duration: z
    .string()
    .regex(/^\d+(ms|s|m|h|d)$/, 'a duration like 30s, 24h or 7d')
    .transform((v) => v as Duration),
  list: z.string().transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ),
  /** Comma-separated: several secrets are active during a rotation. */
  secrets: z.string().transform((v, ctx) => {
    const list = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.length === 0) ctx.addIssue({ code: 'custom', message: 'needs at least one secret' });
    return list;
  }),
};

/** Names whose values are never shown even when not declared secret (URLs may carry credentials). */
const SENSITIVE_NAME = /SECRET|TOKEN|KEY|PASSWORD|URL/;

/** Reads one variable through its schema; the error names the variable and says what was wrong. */
export function read<S extends z.ZodType>(
  env: Env,
  name: string,
  schema: S,
  fallback?: string,
  opts: { secret?: boolean; emptyIsValue?: boolean } = {},
): z.output<S> {
  const value = env[name];
  const raw = value === undefined || (value === '' && !opts.emptyIsValue) ? fallback : value;
  if (raw === undefined) throw new ConfigError(`${name} is required but not set`);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const shown = opts.secret || SENSITIVE_NAME.test(name) ? '<redacted>' : JSON.stringify(raw);
    throw new ConfigError(`${name}=${shown} is invalid: ${parsed.error.issues[0]?.message ?? 'bad value'}`);
  }
  return parsed.data;
}

export function isSet(env: Env, s: Setting): boolean {
  const value = env[s.env];
  return value !== undefined && (value !== '' || s.emptyIsValue === true);
}

export function sandboxDefaultOf(s: Setting, sandbox: SandboxContext): string | undefined {
  return typeof s.sandboxDefault === 'function' ? s.sandboxDefault(sandbox) : s.sandboxDefault;
}

/**
 * Reads declarations from one environment, collecting every problem so that start-up reports them all
 * at once (`check()`), not one per attempt.
 */
export class SettingsReader {
  readonly problems: string[] = [];
  /** Where the stand-ins listen; set by config.ts once SANDBOX_PORT/SANDBOX_URL are read. */
  sandboxContext: SandboxContext = { url: 'http://127.0.0.1:4100' };

  constructor(
    readonly env: Env,
    /** SWITCHBOARD_SANDBOX=true: sandbox defaults apply. */
    readonly sandbox: boolean,
  ) {}

  one<D extends Setting>(s: D): SettingValue<D> {
    const fallback = (this.sandbox ? sandboxDefaultOf(s, this.sandboxContext) : undefined) ?? s.default;
    if (!isSet(this.env, s) && fallback === undefined) {
      if (s.required) this.problems.push(`${s.env} is required but not set`);
      return undefined as SettingValue<D>;
    }
    try {
      return read(this.env, s.env, s.schema, fallback, s) as SettingValue<D>;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      this.problems.push(err.message);
      return undefined as SettingValue<D>;
    }
  }

  all<D extends SettingsDeclarations>(declarations: D): SettingValues<D> {
    return Object.fromEntries(
      Object.entries(declarations).map(([key, s]) => [key, this.one(s)]),
    ) as SettingValues<D>;
  }

  fail(problem: string): void {
    this.problems.push(problem);
  }

  /** Throws one ConfigError listing every problem so far (the first one first). */
  check(hint?: string): void {
    if (this.problems.length === 0) return;
    const missing = this.problems.some((p) => p.endsWith('is required but not set'));
    throw new ConfigError([...this.problems, ...(missing && hint ? [hint] : [])].join('\n'));
  }
}
