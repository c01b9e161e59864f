/**
 * What an external system's settings.ts declares: the settings every API system has (base URL, request
 * timeout, rate limit), its credentials, and — for a webhook sender — its signing secrets. Pure data + zod.
 */
import type { AuthConfig, SystemConfig } from '../../config';
import { schemas, setting, type SettingsDeclarations, type SettingValues } from '../../settings';
import type { SystemName } from '../index';

export interface SystemSettings<D extends SettingsDeclarations = SettingsDeclarations> {
  /** Its folder under src/systems (and its webhook `:source`, for a sender). */
  readonly system: string;
  /** Its human name, for the docs. */
  readonly title: string;
  readonly settings: D;
  /** A system the connectors call (one of SYSTEMS): its config for src/http from the parsed values. */
  api?(values: SettingValues<D>): SystemConfig;
  /**
   * A webhook sender: the key in `settings` of its secrets. Unset outside the sandbox, the sender is off
   * (its webhooks get 404 source_not_configured), so a business configures only the senders it uses.
   */
  readonly webhookSecrets?: keyof D & string;
}

export function defineSystemSettings<const D extends SettingsDeclarations>(
  module: SystemSettings<D>,
): SystemSettings<D> {
  return module;
}

type ApiSettings = ReturnType<typeof apiSettings>;

/**
 * A system the connectors call: its own settings plus the ones every API system has (apiSettings), and
 * its config for src/http built from `auth`. `api.title` names the API in the docs when it is not `title`.
 */
export function defineApiSystemSettings<const D extends SettingsDeclarations>(
  system: SystemName,
  title: string,
  module: {
    api: { example: string; rateLimitPerSecond: number; title?: string };
    auth(values: SettingValues<D & ApiSettings>): AuthConfig;
    webhookSecrets?: keyof D & string;
    settings: D;
  },
): SystemSettings<D & ApiSettings> {
  const { api, auth, settings, webhookSecrets } = module;
  return {
    system,
    title,
    settings: { ...apiSettings(system, { title, ...api }), ...settings },
    ...(webhookSecrets ? { webhookSecrets } : {}),
    api: (values) => systemConfig(values, auth(values)),
  };
}

/** Base URL (the sandbox stand-in in the sandbox), request timeout and rate limit of an API system. */
export function apiSettings(
  system: SystemName,
  opts: { title: string; example: string; rateLimitPerSecond: number },
) {
  const upper = system.toUpperCase();
  return {
    baseUrl: setting({
      env: `${upper}_BASE_URL`,
      schema: schemas.baseUrl,
      required: true,
      secret: false,
      sandboxDefault: (sandbox) => `${sandbox.url}/${system}`,
      example: opts.example,
      description: `${opts.title} API base URL`,
    }),
    timeoutMs: setting({
      env: `${upper}_TIMEOUT_MS`,
      schema: schemas.positiveInt,
      required: false,
      secret: false,
      default: '10000',
      description: `timeout of one request to ${opts.title}, in ms`,
    }),
    rateLimitPerSecond: setting({
      env: `${upper}_RATE_LIMIT_PER_SECOND`,
      schema: schemas.positiveNumber,
      required: false,
      secret: false,
      default: String(opts.rateLimitPerSecond),
      description: `${opts.title} calls per second (the Temporal server holds it on the api.${system} task queue across every worker; each workers process also holds it, or its share of it with WORKER_REPLICAS, for the calls its runs make directly)`,
    }),
    maxResponseBytes: setting({
      env: `${upper}_MAX_RESPONSE_BYTES`,
      schema: schemas.positiveInt,
      required: false,
      secret: false,
      defaultDoc: '10 MiB',
      description: `the most of a ${opts.title} response body the HTTP client reads, in bytes`,
    }),
  };
}

/** A credential: required outside the sandbox, the stand-in's published value inside it. */
export function credential(env: string, sandboxValue: string, description: string) {
  return setting({
    env,
    schema: schemas.nonEmpty,
    required: true,
    secret: true,
    sandboxDefault: sandboxValue,
    description,
  });
}

/** A sender's signing secrets, comma-separated (rotation); unset outside the sandbox: the sender is off. */
export function webhookSecrets(env: string, sandboxValue: string, description: string) {
  return setting({
    env,
    schema: schemas.secrets,
    required: false,
    secret: true,
    sandboxDefault: sandboxValue,
    description: `${description}; comma-separated during a rotation; unset: this sender is off (404)`,
  });
}

export function systemConfig(
  values: { baseUrl: string; timeoutMs: number; rateLimitPerSecond: number; maxResponseBytes?: number },
  auth: AuthConfig,
): SystemConfig {
  return {
    baseUrl: values.baseUrl,
    auth,
    timeoutMs: values.timeoutMs,
    rateLimitPerSecond: values.rateLimitPerSecond,
    ...(values.maxResponseBytes === undefined ? {} : { maxResponseBytes: values.maxResponseBytes }),
  };
}
