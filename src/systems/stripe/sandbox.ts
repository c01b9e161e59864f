/**
 * Stripe stand-in: customers, invoice items and invoices under /v1 with Stripe's form-encoded bodies,
 * secret key as Bearer (or basic user), list objects, `{error:{type,code,message,param}}` bodies and
 * Idempotency-Key semantics (same key + same parameters → the saved response, replayed; same key + other
 * parameters → 400 idempotency_error). A control can make invoicing fail for good, for saga tests.
 */
import { createHmac, randomBytes } from 'node:crypto';
import express, { Request, Response, Router } from 'express';
import { WebhookQueue } from '../../sandbox/webhookQueue';
import type { StripeAddress } from './schemas';

type Meta = Record<string, string>;

export interface SandboxStripeCustomer {
  id: string;
  object: 'customer';
  email: string | null;
  name: string | null;
  phone: string | null;
  address: SandboxStripeAddress | null;
  metadata: Meta;
  created: number;
}

/** Stripe's address hash as Stripe keeps it: every field present, null when not set. */
export type SandboxStripeAddress = { [K in keyof StripeAddress]-?: string | null };

/** Stripe replaces the address hash as a whole; omitted sub-fields become null. */
function address(v: unknown): SandboxStripeAddress | null {
  if (!v || typeof v !== 'object') return null;
  const a = v as Record<string, unknown>;
  return {
    line1: str(a.line1),
    line2: str(a.line2),
    city: str(a.city),
    state: str(a.state),
    postal_code: str(a.postal_code),
    country: str(a.country),
  };
}

export interface SandboxStripeInvoiceItem {
  id: string;
  object: 'invoiceitem';
  amount: number;
  currency: string;
  customer: string;
  description: string | null;
  invoice: string | null;
  metadata: Meta;
  date: number;
}

export interface SandboxStripeInvoice {
  id: string;
  object: 'invoice';
  customer: string;
  status: 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';
  currency: string;
  amount_due: number;
  collection_method: string;
  days_until_due: number | null;
  description: string | null;
  number: string | null;
  hosted_invoice_url: string | null;
  metadata: Meta;
  lines: { object: 'list'; data: SandboxStripeInvoiceItem[]; has_more: false };
  created: number;
}

/** Which call fails, and how: e.g. `{on:'finalize', status:400, code:'customer_tax_location_invalid'}`. */
export interface StripeFailure {
  on: 'finalize' | 'invoice' | 'invoiceitem' | 'customer';
  /**
   * The call takes effect, and only then fails: what a client sees when Stripe did the work but the answer
   * was lost (and its retries got no better answer). Only `finalize` supports it.
   */
  afterApplying?: boolean;
  status: number;
  type: string;
  code?: string;
  decline_code?: string;
  message: string;
}

export const STRIPE_FAILURE_PRESETS: Record<string, Omit<StripeFailure, 'on'>> = {
  card_declined: {
    status: 402,
    type: 'card_error',
    code: 'card_declined',
    decline_code: 'generic_decline',
    message: 'Your card was declined.',
  },
  invalid_request: {
    status: 400,
    type: 'invalid_request_error',
    code: 'customer_tax_location_invalid',
    message: "This invoice can't be finalized because the customer's tax location isn't recognized.",
  },
};

function stripeError(res: Response, status: number, error: Record<string, unknown>): void {
  res.status(status).json({ error: { type: 'invalid_request_error', ...error } });
}

const now = () => Math.floor(Date.now() / 1000);
const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').slice(0, 14)}`;

export class StripeSandbox {
  readonly customers = new Map<string, SandboxStripeCustomer>();
  readonly invoiceItems = new Map<string, SandboxStripeInvoiceItem>();
  readonly invoices = new Map<string, SandboxStripeInvoice>();
  private readonly idempotent = new Map<string, { fingerprint: string; status: number; body: unknown }>();
  private failure: StripeFailure | undefined;
  private invoiceSeq = 0;

  /** Outgoing webhooks; with `notifyApiWrites`, a customer updated through the API sends customer.updated. */
  readonly webhooks = new WebhookQueue();

  constructor(
    private readonly opts: {
      secretKey: string;
      /** The endpoint secret webhooks are signed with, and where they go (the gateway's /webhooks/stripe). */
      webhookSecret?: string;
      webhookUrl?: () => string | undefined;
    },
  ) {}

  /** Signs (`Stripe-Signature: t=…,v1=…`) and posts an event like Stripe does; returns the answer. */
  async sendWebhook(type: string, object: unknown, previousAttributes?: Record<string, unknown>) {
    const url = this.opts.webhookUrl?.();
    if (!url || !this.opts.webhookSecret)
      throw new Error('no webhook target configured for the Stripe sandbox');
    const body = JSON.stringify({
      id: newId('evt'),
      object: 'event',
      api_version: '2024-06-20',
      created: now(),
      type,
      livemode: false,
      data: { object, ...(previousAttributes ? { previous_attributes: previousAttributes } : {}) },
    });
    const t = now();
    const v1 = createHmac('sha256', this.opts.webhookSecret).update(`${t}.${body}`).digest('hex');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${v1}` },
      body,
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as unknown };
  }

  failInvoicing(failure: StripeFailure | undefined): void {
    this.failure = failure;
  }

  router(): Router {
    const router = Router();
    router.use((req, res, next) => {
      const auth = req.get('authorization') ?? '';
      const key = auth.startsWith('Bearer ')
        ? auth.slice(7)
        : auth.startsWith('Basic ')
          ? Buffer.from(auth.slice(6), 'base64').toString().split(':')[0]
          : '';
      if (!key) {
        stripeError(res, 401, {
          message:
            "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').",
        });
        return;
      }
      if (key !== this.opts.secretKey) {
        stripeError(res, 401, {
          message: `Invalid API Key provided: ${key.slice(0, 8)}${'*'.repeat(8)}${key.slice(-4)}`,
        });
        return;
      }
      next();
    });
    router.use((req, res, next) => this.idempotency(req, res, next));

    router.get('/v1/customers', (req, res) => {
      const email = typeof req.query.email === 'string' ? req.query.email : undefined;
      const all = [...this.customers.values()].filter((c) => email === undefined || c.email === email);
      res.json(list('/v1/customers', all, req.query.limit));
    });
    /**
     * Stripe's search query language, as far as the connectors use it: `email:'…'` (or "…"), an exact match
     * that ignores case, quotes inside escaped with a backslash. Search results are pages of
     * `{object:'search_result', data, has_more, next_page, url}`.
     */
    router.get('/v1/customers/search', (req, res) => {
      const m = /^email:(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")$/.exec(String(req.query.query ?? ''));
      if (!m) {
        stripeError(res, 400, { message: 'Invalid search query', param: 'query' });
        return;
      }
      const email = (m[1] ?? m[2]).replace(/\\(.)/g, '$1').toLowerCase();
      const matches = [...this.customers.values()].filter((c) => c.email?.toLowerCase() === email);
      const limit = Math.min(Math.max(Number(req.query.limit ?? 10) || 10, 1), 100);
      res.json({
        object: 'search_result',
        data: matches.slice(0, limit),
        has_more: matches.length > limit,
        next_page: null,
        url: '/v1/customers/search',
      });
    });
    router.post('/v1/customers', (req, res) => {
      if (this.injected('customer', res)) return;
      const b = req.body as Record<string, unknown>;
      const customer: SandboxStripeCustomer = {
        id: newId('cus'),
        object: 'customer',
        email: str(b.email),
        name: str(b.name),
        phone: str(b.phone),
        address: address(b.address),
        metadata: meta(b.metadata),
        created: now(),
      };
      this.customers.set(customer.id, customer);
      res.json(customer);
    });
    router.get('/v1/customers/:id', (req, res) => {
      const c = this.customers.get(req.params.id);
      if (!c) missing(res, 'customer', req.params.id);
      else res.json(c);
    });
    router.post('/v1/customers/:id', (req, res) => {
      const c = this.customers.get(req.params.id);
      if (!c) return missing(res, 'customer', req.params.id);
      const b = req.body as Record<string, unknown>;
      const before = structuredClone(c);
      if (b.email !== undefined) c.email = str(b.email);
      if (b.name !== undefined) c.name = str(b.name);
      if (b.phone !== undefined) c.phone = str(b.phone);
      if (b.address !== undefined) c.address = address(b.address);
      if (b.metadata !== undefined) c.metadata = { ...c.metadata, ...meta(b.metadata) };
      res.json(c);
      // Stripe's customer.updated names what changed, with the earlier values, in previous_attributes.
      const changed = (['email', 'name', 'phone', 'address', 'metadata'] as const).filter(
        (k) => JSON.stringify(before[k]) !== JSON.stringify(c[k]),
      );
      if (this.webhooks.notifyApiWrites && changed.length > 0) {
        const snapshot = structuredClone(c);
        const previous = Object.fromEntries(changed.map((k) => [k, before[k]]));
        this.webhooks.send(() => this.sendWebhook('customer.updated', snapshot, previous));
      }
    });

    router.post('/v1/invoiceitems', (req, res) => {
      if (this.injected('invoiceitem', res)) return;
      const b = req.body as Record<string, unknown>;
      const customer = str(b.customer);
      if (!customer) return paramMissing(res, 'customer');
      if (!this.customers.has(customer)) return missing(res, 'customer', customer, 'customer');
      const amount = Number(b.amount);
      if (!Number.isInteger(amount))
        return stripeError(res, 400, {
          code: 'parameter_invalid_integer',
          message: 'Invalid integer: ' + String(b.amount),
          param: 'amount',
        });
      const currency = str(b.currency);
      if (!currency) return paramMissing(res, 'currency');
      const invoiceId = str(b.invoice);
      const invoice = invoiceId ? this.invoices.get(invoiceId) : undefined;
      if (invoiceId && !invoice) return missing(res, 'invoice', invoiceId, 'invoice');
      if (invoice && invoice.status !== 'draft')
        return stripeError(res, 400, {
          code: 'invoice_not_editable',
          message: `You can only add invoice items to draft invoices. This invoice is ${invoice.status}.`,
          param: 'invoice',
        });
      const item: SandboxStripeInvoiceItem = {
        id: newId('ii'),
        object: 'invoiceitem',
        amount,
        currency: currency.toLowerCase(),
        customer,
        description: str(b.description),
        invoice: invoiceId,
        metadata: meta(b.metadata),
        date: now(),
      };
      this.invoiceItems.set(item.id, item);
      if (invoice) this.recompute(invoice);
      res.json(item);
    });
    router.delete('/v1/invoiceitems/:id', (req, res) => {
      const item = this.invoiceItems.get(req.params.id);
      if (!item) return missing(res, 'invoiceitem', req.params.id);
      const invoice = item.invoice ? this.invoices.get(item.invoice) : undefined;
      if (invoice && invoice.status !== 'draft')
        return stripeError(res, 400, {
          code: 'invoice_not_editable',
          message: 'This invoice item is attached to an invoice that is no longer editable.',
        });
      this.invoiceItems.delete(item.id);
      if (invoice) this.recompute(invoice);
      res.json({ id: item.id, object: 'invoiceitem', deleted: true });
    });

    router.get('/v1/invoices', (req, res) => {
      const customer = typeof req.query.customer === 'string' ? req.query.customer : undefined;
      const all = [...this.invoices.values()].filter(
        (i) => customer === undefined || i.customer === customer,
      );
      res.json(list('/v1/invoices', all, req.query.limit));
    });
    /** Stripe's search query language, as far as the connectors use it: metadata['key']:'value'. */
    router.get('/v1/invoices/search', (req, res) => {
      const m = /^metadata\['([\w-]+)'\]:'((?:[^'\\]|\\.)*)'$/.exec(String(req.query.query ?? ''));
      if (!m) {
        stripeError(res, 400, { message: 'Invalid search query', param: 'query' });
        return;
      }
      const value = m[2].replace(/\\(.)/g, '$1');
      const data = [...this.invoices.values()].filter((i) => i.metadata[m[1]] === value);
      res.json({
        object: 'search_result',
        data,
        has_more: false,
        next_page: null,
        url: '/v1/invoices/search',
      });
    });
    router.post('/v1/invoices', (req, res) => {
      if (this.injected('invoice', res)) return;
      const b = req.body as Record<string, unknown>;
      const customer = str(b.customer);
      if (!customer) return paramMissing(res, 'customer');
      if (!this.customers.has(customer)) return missing(res, 'customer', customer, 'customer');
      const collection = str(b.collection_method) ?? 'charge_automatically';
      if (collection === 'send_invoice' && b.days_until_due === undefined && b.due_date === undefined)
        return paramMissing(res, 'days_until_due');
      const invoice: SandboxStripeInvoice = {
        id: newId('in'),
        object: 'invoice',
        customer,
        status: 'draft',
        currency: (str(b.currency) ?? 'usd').toLowerCase(),
        amount_due: 0,
        collection_method: collection,
        days_until_due: b.days_until_due === undefined ? null : Number(b.days_until_due),
        description: str(b.description),
        number: null,
        hosted_invoice_url: null,
        metadata: meta(b.metadata),
        lines: { object: 'list', data: [], has_more: false },
        created: now(),
      };
      this.invoices.set(invoice.id, invoice);
      // Pending items are swept in only when asked (the default since API version 2022-08-01 is exclude).
      if (b.pending_invoice_items_behavior === 'include')
        for (const item of this.invoiceItems.values())
          if (item.customer === customer && item.invoice === null) item.invoice = invoice.id;
      this.recompute(invoice);
      res.json(invoice);
    });
    router.get('/v1/invoices/:id', (req, res) => {
      const invoice = this.invoices.get(req.params.id);
      if (!invoice) missing(res, 'invoice', req.params.id);
      else res.json(invoice);
    });
    router.post('/v1/invoices/:id/finalize', (req, res) => {
      const invoice = this.invoices.get(req.params.id);
      if (!invoice) return missing(res, 'invoice', req.params.id);
      const applyFirst = this.failure?.on === 'finalize' && this.failure.afterApplying;
      if (!applyFirst && this.injected('finalize', res)) return;
      if (invoice.status !== 'draft')
        return stripeError(res, 400, {
          code: 'invoice_not_editable',
          message: `This invoice is already finalized, you can't re-finalize a non-draft invoice.`,
        });
      invoice.status = 'open';
      invoice.number = `SBX-${String(++this.invoiceSeq).padStart(4, '0')}`;
      invoice.hosted_invoice_url = `https://invoice.stripe.com/i/sandbox/${invoice.id}`;
      if (applyFirst && this.injected('finalize', res)) return;
      res.json(invoice);
    });
    router.post('/v1/invoices/:id/void', (req, res) => {
      const invoice = this.invoices.get(req.params.id);
      if (!invoice) return missing(res, 'invoice', req.params.id);
      if (invoice.status !== 'open' && invoice.status !== 'uncollectible')
        return stripeError(res, 400, {
          code: 'invoice_not_editable',
          message: `You can only void an open or uncollectible invoice. This invoice is ${invoice.status}.`,
        });
      invoice.status = 'void';
      res.json(invoice);
    });
    router.delete('/v1/invoices/:id', (req, res) => {
      const invoice = this.invoices.get(req.params.id);
      if (!invoice) return missing(res, 'invoice', req.params.id);
      if (invoice.status !== 'draft')
        return stripeError(res, 400, {
          code: 'invoice_not_editable',
          message: 'You can only delete draft invoices.',
        });
      this.invoices.delete(invoice.id);
      for (const item of [...this.invoiceItems.values()])
        if (item.invoice === invoice.id) this.invoiceItems.delete(item.id);
      res.json({ id: invoice.id, object: 'invoice', deleted: true });
    });
    return router;
  }

  private recompute(invoice: SandboxStripeInvoice): void {
    const items = [...this.invoiceItems.values()].filter((i) => i.invoice === invoice.id);
    invoice.lines.data = items;
    invoice.amount_due = items.reduce((sum, i) => sum + i.amount, 0);
  }

  private injected(on: StripeFailure['on'], res: Response): boolean {
    if (this.failure?.on !== on) return false;
    const { status, type, code, decline_code, message } = this.failure;
    res.status(status).json({ error: { type, code, decline_code, message } });
    return true;
  }

  /**
   * Stripe saves the first response to a key (success or error) and replays it; a key reused with other
   * parameters is refused. Keys are per account and endpoint-agnostic, as in Stripe.
   */
  private idempotency(req: Request, res: Response, next: () => void): void {
    const key = req.get('idempotency-key');
    if (req.method !== 'POST' || !key) return next();
    const fingerprint = JSON.stringify([req.method, req.path, req.body ?? {}]);
    const saved = this.idempotent.get(key);
    if (saved) {
      if (saved.fingerprint !== fingerprint) {
        stripeError(res, 400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        });
        return;
      }
      res.status(saved.status).set('idempotent-replayed', 'true').json(saved.body);
      return;
    }
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      // 5xx answers are not saved in this stand-in, so injected outages can be retried through.
      if (res.statusCode < 500) this.idempotent.set(key, { fingerprint, status: res.statusCode, body });
      return json(body);
    };
    next();
  }

  controlRouter(): Router {
    const router = Router();
    router.use(express.json());
    router.get('/customers', (_req, res) => res.json([...this.customers.values()]));
    router.get('/invoices', (req, res) => {
      const all = [...this.invoices.values()];
      const dealId = typeof req.query.deal === 'string' ? req.query.deal : undefined;
      res.json(dealId ? all.filter((i) => i.metadata.hubspot_deal_id === dealId) : all);
    });
    router.get('/invoiceitems', (_req, res) => res.json([...this.invoiceItems.values()]));
    /**
     * `{"preset": "card_declined" | "invalid_request", "on": "finalize"}` (or a full StripeFailure): every
     * matching call fails that way until `DELETE /fail-invoicing`. `"afterApplying": true` (finalize):
     * the invoice is finalized all the same, as when the answer is lost.
     */
    router.post('/fail-invoicing', (req, res) => {
      const body = (req.body ?? {}) as Partial<StripeFailure> & { preset?: string };
      const preset = STRIPE_FAILURE_PRESETS[body.preset ?? 'invalid_request'];
      if (!preset) {
        res
          .status(400)
          .json({ error: `unknown preset; one of ${Object.keys(STRIPE_FAILURE_PRESETS).join(', ')}` });
        return;
      }
      this.failInvoicing({ ...preset, ...body, on: body.on ?? 'finalize' } as StripeFailure);
      res.status(204).end();
    });
    router.delete('/fail-invoicing', (_req, res) => {
      this.failInvoicing(undefined);
      res.status(204).end();
    });
    return router;
  }
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function meta(v: unknown): Meta {
  if (!v || typeof v !== 'object') return {};
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
}

function paramMissing(res: Response, param: string): void {
  stripeError(res, 400, { code: 'parameter_missing', message: `Missing required param: ${param}.`, param });
}

function missing(res: Response, kind: string, id: string, param = 'id'): void {
  stripeError(res, 404, { code: 'resource_missing', message: `No such ${kind}: '${id}'`, param });
}

function list<T>(url: string, all: T[], limitParam: unknown) {
  const limit = Math.min(Math.max(Number(limitParam ?? 10) || 10, 1), 100);
  return { object: 'list', data: all.slice(0, limit), has_more: all.length > limit, url };
}
