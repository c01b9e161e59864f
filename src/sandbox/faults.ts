/**
 * Fault injection for one stand-in system, mounted in front of its API router: latency, a burst of N
 * error statuses, N 429s, an outage for N seconds (an error status or dropped connections) and a
 * token-bucket rate limit answering 429 with the headers real APIs send (Retry-After, X-RateLimit-*).
 * Error bodies take the system's own error shape, so the client under test parses what it would in
 * production. Controlled over HTTP (`/_sandbox/<system>/faults`) by tests and the demo.
 */
import { randomUUID } from 'node:crypto';
import express, { RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { TokenBucket } from '../http/tokenBucket';

const count = z.coerce.number().int().min(0).max(1_000_000);
const seconds = z.coerce.number().min(0).max(86_400);

/** What `POST /_sandbox/<system>/faults` accepts; each key present replaces that fault, others stay. */
export const faultSettingsSchema = z
  .object({
    /** Every request waits this long before it is answered. */
    latencyMs: z.coerce.number().int().min(0).max(120_000),
    /** The next `count` requests answer `status` (a 5xx by default, any 4xx/5xx allowed). */
    errors: z.object({ count, status: z.coerce.number().int().min(400).max(599).default(500) }),
    /** The next `count` requests answer 429 with `Retry-After: retryAfterSeconds`. */
    rateLimited: z.object({ count, retryAfterSeconds: seconds.default(1) }),
    /**
     * The system is down for `seconds`: every request answers `status` (503 by default, with
     * Retry-After when `retryAfterSeconds` is given), or with `mode: "drop"` the connection is cut.
     */
    outage: z.object({
      seconds,
      mode: z.enum(['status', 'drop']).default('status'),
      status: z.coerce.number().int().min(500).max(599).default(503),
      retryAfterSeconds: seconds.optional(),
    }),
    /** Token bucket: `perSecond` requests per second, bursts up to `burst` (default: one second's worth). */
    rateLimit: z.object({
      perSecond: z.coerce.number().positive().max(100_000),
      burst: z.coerce.number().int().positive().optional(),
    }),
  })
  .partial()
  .strict();
export type FaultSettings = z.infer<typeof faultSettingsSchema>;

export interface FaultCounters {
  /** Requests that reached the system (whatever the answer). */
  requests: number;
  /** 429 answers, injected or from the rate limit. */
  rateLimited: number;
  /** 5xx answers, injected or from an outage. */
  serverErrors: number;
  /** Connections cut during a `drop` outage. */
  dropped: number;
}

/** The system's own error body for a status, so injected errors look like the real API's. */
export type ErrorBodyFn = (status: number, message: string) => unknown;

type Decision =
  | { kind: 'pass' }
  | { kind: 'drop' }
  | { kind: 'error'; status: number; retryAfterSeconds?: number; message: string }
  | { kind: 'throttle'; retryAfterSeconds: number; message: string };

export class FaultInjector {
  private settings: FaultSettings = {};
  private outageUntil = 0;
  private bucket?: TokenBucket;
  counters: FaultCounters = { requests: 0, rateLimited: 0, serverErrors: 0, dropped: 0 };

  constructor(
    readonly system: string,
    private readonly errorBody: ErrorBodyFn = defaultErrorBody,
    private readonly now: () => number = Date.now,
  ) {}

  set(input: unknown): FaultSettings {
    const next = faultSettingsSchema.parse(input);
    this.settings = { ...this.settings, ...next };
    if (next.outage) this.outageUntil = this.now() + next.outage.seconds * 1000;
    if (next.rateLimit) {
      this.bucket = new TokenBucket(next.rateLimit.perSecond, next.rateLimit.burst, this.now);
    }
    return this.settings;
  }

  /** Removes every fault and zeroes the counters. */
  clear(): void {
    this.settings = {};
    this.outageUntil = 0;
    this.bucket = undefined;
    this.counters = { requests: 0, rateLimited: 0, serverErrors: 0, dropped: 0 };
  }

  state() {
    const now = this.now();
    return {
      system: this.system,
      settings: this.settings,
      outageRemainingMs: Math.max(0, this.outageUntil - now),
      rateLimit: this.bucket && { ...this.rateLimitHeaders(now), perSecond: this.bucket.perSecond },
      counters: this.counters,
    };
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      this.counters.requests++;
      res.on('finish', () => {
        if (res.statusCode === 429) this.counters.rateLimited++;
        else if (res.statusCode >= 500) this.counters.serverErrors++;
      });
      // Decided on arrival (that is when a real API counts the request), answered after the latency.
      const decision = this.decide();
      const act = () => {
        if (decision.kind === 'pass') {
          // Successful answers carry the rate-limit headers too, as real APIs send them.
          this.setRateLimitHeaders(res);
          return next();
        }
        if (decision.kind === 'drop') {
          this.counters.dropped++;
          req.socket.destroy();
          return;
        }
        if (decision.kind === 'throttle') {
          this.setRateLimitHeaders(res);
          res.set('Retry-After', String(decision.retryAfterSeconds));
          res.status(429).json(this.errorBody(429, decision.message));
          return;
        }
        if (decision.retryAfterSeconds !== undefined)
          res.set('Retry-After', String(decision.retryAfterSeconds));
        res.status(decision.status).json(this.errorBody(decision.status, decision.message));
      };
      const latency = this.settings.latencyMs ?? 0;
      if (latency > 0) setTimeout(act, latency);
      else act();
    };
  }

  controlRouter(): Router {
    const router = Router();
    router.use(express.json());
    router.get('/', (_req, res) => {
      res.json(this.state());
    });
    router.post('/', (req, res) => {
      const parsed = faultSettingsSchema.safeParse(req.body ?? {});
      if (!parsed.success) {
        res.status(400).json({ error: 'invalid fault settings', issues: parsed.error.issues });
        return;
      }
      this.set(parsed.data);
      res.json(this.state());
    });
    router.delete('/', (_req, res) => {
      this.clear();
      res.json(this.state());
    });
    return router;
  }

  private decide(): Decision {
    const s = this.settings;
    const now = this.now();
    if (s.outage && now < this.outageUntil) {
      if (s.outage.mode === 'drop') return { kind: 'drop' };
      return {
        kind: 'error',
        status: s.outage.status,
        retryAfterSeconds: s.outage.retryAfterSeconds,
        message: 'The service is temporarily unavailable.',
      };
    }
    if (s.errors && s.errors.count > 0) {
      s.errors.count--;
      return { kind: 'error', status: s.errors.status, message: statusMessage(s.errors.status) };
    }
    if (s.rateLimited && s.rateLimited.count > 0) {
      s.rateLimited.count--;
      return {
        kind: 'throttle',
        retryAfterSeconds: s.rateLimited.retryAfterSeconds,
        message: 'You have exceeded the rate limit.',
      };
    }
    if (this.bucket && !this.bucket.tryTake()) {
      // Retry-After is whole seconds (RFC 9110): the time until one token is back, rounded up.
      const waitMs = this.bucket.msUntilNextToken();
      return {
        kind: 'throttle',
        retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)),
        message: `You have exceeded the limit of ${this.bucket.perSecond} requests per second.`,
      };
    }
    return { kind: 'pass' };
  }

  private rateLimitHeaders(now: number) {
    const b = this.bucket!;
    // Epoch seconds at which the bucket is full again, as GitHub, Zendesk and others send it.
    return {
      limit: b.capacity,
      remaining: Math.floor(b.tokens),
      reset: Math.ceil((now + b.msUntilFull()) / 1000),
    };
  }

  private setRateLimitHeaders(res: Response): void {
    if (!this.bucket) return;
    const h = this.rateLimitHeaders(this.now());
    res.set({
      'X-RateLimit-Limit': String(h.limit),
      'X-RateLimit-Remaining': String(h.remaining),
      'X-RateLimit-Reset': String(h.reset),
    });
  }
}

function statusMessage(status: number): string {
  if (status === 503) return 'The service is temporarily unavailable.';
  if (status === 502 || status === 504) return 'Bad gateway: the upstream did not answer in time.';
  if (status >= 500) return 'An internal error occurred. Please try again later.';
  return `The request was rejected with status ${status}.`;
}

export const defaultErrorBody: ErrorBodyFn = (status, message) => ({ status, message });

/** Each stand-in's real error shape (as documented by the vendor) for injected errors and 429s. */
export const ERROR_BODIES: Record<string, ErrorBodyFn> = {
  // HubSpot: { status: "error", message, correlationId, category }.
  hubspot: (status, message) => ({
    status: 'error',
    message,
    correlationId: randomUUID(),
    category: status === 429 ? 'RATE_LIMITS' : status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR',
    ...(status === 429 ? { errorType: 'RATE_LIMIT', policyName: 'SECONDLY' } : {}),
  }),
  // Mailchimp: RFC 7807 problem details.
  mailchimp: (status, message) => ({
    type: 'https://mailchimp.com/developer/marketing/docs/errors/',
    title:
      status === 429 ? 'Too Many Requests' : status >= 500 ? 'Internal Server Error' : 'Invalid Resource',
    status,
    detail: message,
    instance: randomUUID(),
  }),
  // Mailchimp Transactional: { status: "error", code, name, message }.
  mandrill: (status, message) => ({
    status: 'error',
    code: -1,
    name: status === 429 ? 'Rate_Limit' : status >= 500 ? 'GeneralError' : 'ValidationError',
    message,
  }),
  // Slack Web API: { ok: false, error: "<code>" }.
  slack: (status) => ({
    ok: false,
    error: status === 429 ? 'ratelimited' : status >= 500 ? 'internal_error' : 'invalid_arguments',
  }),
  // Stripe: { error: { type, code?, message } }.
  stripe: (status, message) => ({
    error:
      status === 429
        ? { type: 'invalid_request_error', code: 'rate_limit', message }
        : status >= 500
          ? { type: 'api_error', message }
          : { type: 'invalid_request_error', message },
  }),
  // Shopify Admin REST: { errors: "..." }.
  shopify: (status, message) => ({
    errors: status === 429 ? 'Exceeded 2 calls per second for api client. Reduce request rates.' : message,
  }),
  // Zendesk: { error, description }.
  zendesk: (status, message) => ({
    error: status === 429 ? 'APIRateLimitExceeded' : status >= 500 ? 'InternalServerError' : 'InvalidValue',
    description: message,
  }),
  // ShipBob: { message }.
  shipbob: (_status, message) => ({ message }),
};
