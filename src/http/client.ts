/**
 * The only place in Switchboard that speaks HTTP to an external system. Per call it applies the system's
 * base URL and credentials, a timeout tied to activity cancellation, an Idempotency-Key on writes, and
 * classifies the outcome into a Temporal failure (see ./errors). Connectors are thin typed calls over it.
 *
 * Safe by default: redirects are never followed (a 3xx is a non-retryable ApiRequestError naming only the
 * Location's origin), so credentials — in a header, the query or the body — never travel to another
 * origin; a response body is read as a stream and cut off at a byte limit (10 MiB unless the system says
 * otherwise), so a runaway answer never fills the worker's memory.
 */
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import type { z } from 'zod';
import type { Config, SystemConfig } from '../config';
import { isTransientStatus, type SystemName } from '../systems/index';
import { applyAuth, TokenError, TokenProvider } from './auth';
import { redactSecrets, secretsOf } from './redact';
import {
  apiRateLimitedError,
  apiRequestError,
  apiUnavailableError,
  configError,
  contractError,
  RequestSummary,
  responseTooLargeError,
  retryAfterMs,
  retryDelayWithinDeadline,
} from './errors';
import { firstZodIssue } from '../systems/kit/zodIssue';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export interface ApiRequest<S extends z.ZodType> {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded with bracketed nesting (Stripe's convention). */
  form?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** The response body's schema: a 2xx body that breaks it is a ContractError. */
  schema: S;
  /** Statuses that are an answer, not an error (e.g. 404 for "does not exist yet"): returned as null. */
  nullOn?: number[];
  /** Defaults to a key derived from the workflow, run and activity ids for every non-GET request. */
  idempotencyKey?: string | false;
}

export interface ApiCallRecord {
  system: SystemName;
  method: string;
  path: string;
  status: number | 'network-error';
  durationMs: number;
}

/** The most of a response body the client reads unless a system sets its own (`<SYSTEM>_MAX_RESPONSE_BYTES`). */
export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export interface HttpClientOptions {
  systems: Config['systems'];
  fetchImpl?: typeof fetch;
  /** The response body limit for systems that set none, and for postToUrl; default 10 MiB. */
  maxResponseBytes?: number;
  /** Observes every call (metrics, tests); never sees credentials. */
  onCall?: (record: ApiCallRecord) => void;
}

export class HttpClient {
  private readonly tokens = new Map<SystemName, TokenProvider>();
  private readonly fetchImpl: typeof fetch;
  /** Every configured credential, in the forms it travels in: never allowed into a failure message. */
  private readonly configuredSecrets: string[];

  constructor(private readonly options: HttpClientOptions) {
    this.fetchImpl = options.fetchImpl ?? fetch;
    this.configuredSecrets = Object.values(options.systems).flatMap((s) => secretsOf(s.auth));
  }

  /** Text from outside (an API's error body, a network error) with every secret the process holds removed. */
  redact(text: string, extra: string[] = []): string {
    const held = [...this.tokens.values()].flatMap((t) => t.heldSecrets());
    return redactSecrets(text, [...this.configuredSecrets, ...held, ...extra]);
  }

  system(name: SystemName): SystemConfig {
    return this.options.systems[name];
  }

  tokenProvider(name: SystemName): TokenProvider | undefined {
    const { auth } = this.system(name);
    if (auth.type !== 'oauth2ClientCredentials' && auth.type !== 'oauth2RefreshToken') return undefined;
    let provider = this.tokens.get(name);
    if (!provider) this.tokens.set(name, (provider = new TokenProvider(auth, this.fetchImpl)));
    return provider;
  }

  async request<S extends z.ZodType>(
    system: SystemName,
    req: ApiRequest<S> & { nullOn: number[] },
  ): Promise<z.output<S> | null>;
  async request<S extends z.ZodType>(system: SystemName, req: ApiRequest<S>): Promise<z.output<S>>;
  async request<S extends z.ZodType>(system: SystemName, req: ApiRequest<S>): Promise<z.output<S> | null> {
    const summary: RequestSummary = { system, method: req.method, path: req.path };
    const first = await this.send(system, req, summary);
    // One 401 with an OAuth token: the token may have been revoked early; fetch a new one and retry once.
    let res = first;
    if (first.status === 401 && first.oauthToken) {
      await first.response.body?.cancel().catch(() => undefined); // free the connection for the retry
      res = await this.send(system, req, summary, first.oauthToken);
    }
    return this.classify(res.response, req, summary, this.maxResponseBytes(system));
  }

  private maxResponseBytes(system?: SystemName): number {
    return (
      (system && this.system(system).maxResponseBytes) ||
      this.options.maxResponseBytes ||
      DEFAULT_MAX_RESPONSE_BYTES
    );
  }

  /** POST JSON to a full URL with no system credentials (incoming-webhook style endpoints, e.g. alerts). */
  async postToUrl<S extends z.ZodType>(url: string, json: unknown, schema: S): Promise<z.output<S>> {
    // Incoming-webhook URLs carry their secret in the path: only the host may appear in errors, and an
    // answer that echoes the path is scrubbed of it.
    const target = new URL(url);
    const summary: RequestSummary = { system: target.host, method: 'POST', path: '/…' };
    const urlSecrets = [url, `${target.pathname}${target.search}`];
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'switchboard/0.1' },
        body: JSON.stringify(json),
        redirect: 'manual', // the URL is the credential: its body never goes where a redirect points
        signal: AbortSignal.any([AbortSignal.timeout(10_000), ...cancellation()]),
      });
    } catch (err) {
      throw apiUnavailableError(summary, this.redact(networkReason(err), urlSecrets));
    }
    const request = { method: 'POST' as const, path: '/…', schema };
    return (await this.classify(
      response,
      request,
      summary,
      this.maxResponseBytes(),
      urlSecrets,
    )) as z.output<S>;
  }

  private async send<S extends z.ZodType>(
    system: SystemName,
    req: ApiRequest<S>,
    summary: RequestSummary,
    rejectedToken?: string,
  ): Promise<{ response: Response; status: number; oauthToken?: string }> {
    const cfg = this.system(system);
    const tokens = this.tokenProvider(system);
    if (rejectedToken) tokens?.invalidate(rejectedToken);
    let auth;
    try {
      auth = await applyAuth(cfg.auth, tokens);
    } catch (err) {
      // A token endpoint that refuses (4xx) or redirects (3xx, never followed) needs a human.
      if (err instanceof TokenError && err.status >= 300 && err.status < 500 && err.status !== 429) {
        throw configError(system, this.redact(err.message));
      }
      throw apiUnavailableError(summary, this.redact(`token request failed: ${networkReason(err)}`));
    }
    const url = new URL(cfg.baseUrl + req.path);
    for (const [k, v] of Object.entries({ ...req.query, ...auth.query }))
      if (v !== undefined) url.searchParams.set(k, String(v));

    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'switchboard/0.1',
      ...req.headers,
      ...auth.headers,
    };
    let body: string | undefined;
    if (req.json !== undefined || auth.body) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(auth.body ? { ...(req.json as object), ...auth.body } : req.json);
    } else if (req.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = formEncode(req.form);
    }
    const key =
      req.idempotencyKey ?? (req.method === 'GET' || req.method === 'HEAD' ? false : defaultIdempotencyKey());
    if (key) headers['idempotency-key'] = key;

    const ctx = activityContext();
    const signals = [AbortSignal.timeout(cfg.timeoutMs), ...cancellation()];
    const started = Date.now();
    try {
      const response = await this.fetchImpl(url, {
        method: req.method,
        headers,
        body,
        // Never followed: a redirect would carry the credentials (Authorization, an API key in a header,
        // the query or the body) to wherever the Location points. classify() reports it instead.
        redirect: 'manual',
        signal: AbortSignal.any(signals),
      });
      this.options.onCall?.({
        system,
        method: req.method,
        path: req.path,
        status: response.status,
        durationMs: Date.now() - started,
      });
      return { response, status: response.status, oauthToken: auth.oauthToken };
    } catch (err) {
      this.options.onCall?.({
        system,
        method: req.method,
        path: req.path,
        status: 'network-error',
        durationMs: Date.now() - started,
      });
      if (ctx?.cancellationSignal.aborted) throw err; // the activity was cancelled: let the SDK report it
      const reason =
        (err as Error).name === 'TimeoutError' ? `timed out after ${cfg.timeoutMs} ms` : networkReason(err);
      throw apiUnavailableError(summary, this.redact(reason));
    }
  }

  private async classify<S extends z.ZodType>(
    res: Response,
    req: ApiRequest<S>,
    summary: RequestSummary,
    maxBytes: number,
    extraSecrets: string[] = [],
  ) {
    let text: string;
    let overLimit: boolean;
    try {
      ({ text, overLimit } = await readBodyCapped(res, maxBytes));
    } catch (err) {
      // The body never arrived whole (timeout, dropped link, cancellation): that is an unavailable API,
      // not an empty answer to hold against the contract.
      if (activityContext()?.cancellationSignal.aborted) throw err;
      const reason =
        (err as Error).name === 'TimeoutError' ? 'timed out reading the body' : networkReason(err);
      throw apiUnavailableError(summary, this.redact(`body read failed: ${reason}`, extraSecrets));
    }
    const body = overLimit ? undefined : parseJson(text);
    if (req.nullOn?.includes(res.status)) return null;
    // An error answer over the limit keeps its status's classification (a 503 stays retryable): only its
    // message is cut short.
    const cut = overLimit ? ` (response body over the ${maxBytes}-byte limit, cut off)` : '';
    const message = () => this.redact(apiErrorMessage(body, text) + cut, extraSecrets);
    if (res.status >= 300 && res.status < 400) {
      throw apiRequestError(summary, res.status, this.redact(redirectMessage(res), extraSecrets));
    }
    if (res.status === 429) {
      throw apiRateLimitedError(summary, res.status, serverRetryDelay(res.headers), message());
    }
    // A 503 may say when the service is back (maintenance, overload): that delay replaces the backoff.
    if (res.status === 408 || res.status >= 500 || isTransientStatus(summary.system, res.status)) {
      const after = res.status === 503 ? serverRetryDelay(res.headers) : undefined;
      throw apiUnavailableError(summary, message(), res.status, after);
    }
    if (res.status >= 400) throw apiRequestError(summary, res.status, message());
    if (overLimit) throw responseTooLargeError(summary, res.status, maxBytes);
    const parsed = req.schema.safeParse(text === '' ? {} : body);
    if (!parsed.success) throw contractError(summary, firstZodIssue(parsed.error, '(root)'));
    return parsed.data;
  }
}

function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // called outside an activity (unit tests, scripts)
  }
}

/**
 * The API's retry hint (Retry-After or a reset header, at most 15 min), shortened to fit the activity's
 * schedule-to-close deadline so the server retries once more instead of failing the activity at once.
 */
function serverRetryDelay(headers: Headers): number | undefined {
  return retryDelayWithinDeadline(retryAfterMs(headers), activityContext()?.info);
}

/**
 * What a 3xx says, without following it: the Location's origin only (its path and query may carry a
 * token, its user-info a password), and what to do about it.
 */
function redirectMessage(res: Response): string {
  const location = res.headers.get('location');
  let target = 'no Location';
  if (location) {
    try {
      target = new URL(location, res.url || undefined).origin;
    } catch {
      target = 'an unreadable Location';
    }
  }
  return (
    `redirect to ${target} not followed (credentials are never sent to a redirect target); ` +
    'point the base URL at the address the API answers on'
  );
}

/**
 * The body as text, read as a stream no further than `maxBytes`: a declared length over the limit is not
 * read at all; an undeclared (chunked, compressed) one is cut off when it crosses the limit.
 */
async function readBodyCapped(
  res: Response,
  maxBytes: number,
): Promise<{ text: string; overLimit: boolean }> {
  const declared = Number(res.headers.get('content-length') ?? '');
  if (!res.body) return { text: '', overLimit: false };
  if (Number.isFinite(declared) && declared > maxBytes && !res.headers.get('content-encoding')) {
    await res.body.cancel().catch(() => undefined);
    return { text: '', overLimit: true };
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { text: Buffer.concat(chunks).toString('utf8'), overLimit: false };
    if (size + value.byteLength > maxBytes) {
      chunks.push(value.subarray(0, maxBytes - size));
      await reader.cancel().catch(() => undefined); // closes the connection: the rest is never downloaded
      return { text: Buffer.concat(chunks).toString('utf8'), overLimit: true };
    }
    chunks.push(value);
    size += value.byteLength;
  }
}

/** The activity's cancellation signal: a cancelled activity aborts its request at once. */
function cancellation(): AbortSignal[] {
  const ctx = activityContext();
  return ctx ? [ctx.cancellationSignal] : [];
}

/**
 * The same logical call has the same key across retries, so APIs that honour Idempotency-Key (Stripe,
 * Shopify, ShipBob…) perform it once. The run id is part of it: activity ids restart at 1 in every run.
 */
export function defaultIdempotencyKey(): string | false {
  const ctx = activityContext();
  if (!ctx) return false;
  const { workflowExecution, activityId } = ctx.info;
  if (!workflowExecution) return false; // a standalone activity: no workflow to derive a key from
  return createHash('sha256')
    .update(`${workflowExecution.workflowId}/${workflowExecution.runId}/${activityId}`)
    .digest('hex')
    .slice(0, 40);
}

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err as Error).message;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** The API's own words, from the error shapes the well-known APIs use. */
export function apiErrorMessage(body: unknown, text = ''): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const err = b.error;
    if (err && typeof err === 'object' && typeof (err as Record<string, unknown>).message === 'string') {
      return (err as Record<string, string>).message; // Stripe
    }
    if (typeof b.detail === 'string') return b.title ? `${String(b.title)}: ${b.detail}` : b.detail; // Mailchimp (RFC 7807)
    if (typeof b.message === 'string') return b.message; // HubSpot, ShipBob
    if (typeof err === 'string') return typeof b.description === 'string' ? `${err}: ${b.description}` : err; // Slack, Zendesk
    if (b.errors !== undefined)
      return typeof b.errors === 'string' ? b.errors : JSON.stringify(b.errors).slice(0, 500); // Shopify
  }
  return text.slice(0, 500) || 'no error message';
}

/** Stripe-style form encoding: nested objects and arrays become `a[b]=…`, `items[0][price]=…`. */
export function formEncode(data: Record<string, unknown>): string {
  const params = new URLSearchParams();
  const add = (prefix: string, value: unknown) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) value.forEach((v, i) => add(`${prefix}[${i}]`, v));
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) add(`${prefix}[${k}]`, v);
    else params.append(prefix, String(value));
  };
  for (const [k, v] of Object.entries(data)) add(k, v);
  return params.toString();
}
