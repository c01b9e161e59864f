/**
 * Shopify stand-in: Admin REST API 2024-10 orders, fulfillment orders, fulfillments and customers (same
 * paths under /shopify, `X-Shopify-Access-Token` auth, Shopify's `{"errors": …}` bodies and call-limit
 * header), and webhooks signed like Shopify signs them (base64 HMAC-SHA256 of the raw body), sent to the
 * gateway.
 */
import { createHmac, randomUUID } from 'node:crypto';
import express, { Response, Router } from 'express';
import { WebhookQueue } from '../../sandbox/webhookQueue';
import type { ShopifyTrackingInfo } from './schemas';

export interface SandboxShopifyAddress {
  first_name?: string;
  last_name?: string;
  name?: string;
  address1?: string;
  address2?: string | null;
  city?: string;
  province?: string;
  province_code?: string;
  zip?: string;
  country?: string;
  country_code?: string;
  phone?: string | null;
}

export interface SandboxShopifyLineItem {
  id: number;
  sku: string;
  title: string;
  quantity: number;
  variant_id: number;
  requires_shipping: boolean;
}

export interface SandboxShopifyOrder {
  id: number;
  admin_graphql_api_id: string;
  name: string;
  order_number: number;
  email: string;
  created_at: string;
  updated_at: string;
  cancelled_at: string | null;
  cancel_reason: string | null;
  financial_status: string;
  fulfillment_status: string | null;
  currency: string;
  total_price: string;
  line_items: SandboxShopifyLineItem[];
  shipping_address: SandboxShopifyAddress | null;
  customer: { id: number; email: string; first_name?: string; last_name?: string } | null;
}

export interface SandboxFulfillmentOrder {
  id: number;
  order_id: number;
  status: 'open' | 'in_progress' | 'closed' | 'cancelled';
  assigned_location_id: number;
  line_items: {
    id: number;
    fulfillment_order_id: number;
    line_item_id: number;
    quantity: number;
    fulfillable_quantity: number;
  }[];
}

export interface SandboxFulfillment {
  id: number;
  order_id: number;
  status: 'success';
  tracking_company: string | null;
  tracking_number: string | null;
  tracking_numbers: string[];
  tracking_url: string | null;
  tracking_urls: string[];
  line_items: SandboxShopifyLineItem[];
  notify_customer: boolean;
  created_at: string;
}

export interface SandboxShopifyCustomer {
  id: number;
  email: string;
  first_name?: string;
  last_name?: string;
  default_address: (SandboxShopifyAddress & { id: number; customer_id: number; default: true }) | null;
  addresses: (SandboxShopifyAddress & { id: number; customer_id: number; default: boolean })[];
  note?: string | null;
  updated_at: string;
}

export interface ShopifySandboxOptions {
  accessToken: string;
  webhookSecret: string;
  webhookUrl: () => string | undefined;
  shopDomain?: string;
}

export interface NewSandboxOrder {
  email?: string;
  line_items?: { sku: string; title: string; quantity: number; requires_shipping?: boolean }[];
  shipping_address?: SandboxShopifyAddress;
  customer_id?: number;
}

const LOCATION_ID = 655441491;
const CALL_LIMIT = 40;

const errors = (res: Response, status: number, body: unknown) => res.status(status).json({ errors: body });

export class ShopifySandbox {
  readonly orders = new Map<number, SandboxShopifyOrder>();
  readonly fulfillmentOrders = new Map<number, SandboxFulfillmentOrder[]>();
  readonly fulfillments = new Map<number, SandboxFulfillment[]>();
  readonly customers = new Map<number, SandboxShopifyCustomer>();
  readonly webhooksSent: { topic: string; webhookId: string; status: number }[] = [];
  /** Outgoing webhooks; with `notifyApiWrites`, a customer written through the API sends customers/update. */
  readonly webhooks = new WebhookQueue();
  private nextId = 450789469;
  private orderNumber = 1000;
  /** Shopify's leaky bucket, reported in X-Shopify-Shop-Api-Call-Limit: 2 calls leak per second. */
  private bucket = { level: 0, at: Date.now() };

  constructor(private readonly opts: ShopifySandboxOptions) {}

  /** Moves the id sequence on, so two sandboxes sharing one Temporal namespace never mint the same ids. */
  offsetIds(by: number): void {
    this.nextId += by;
  }

  private id(): number {
    return ++this.nextId;
  }

  createOrder(input: NewSandboxOrder = {}): SandboxShopifyOrder {
    const now = new Date().toISOString();
    const id = this.id();
    const number = ++this.orderNumber;
    const customer = input.customer_id ? this.customers.get(input.customer_id) : undefined;
    const email = input.email ?? customer?.email ?? `customer.${id}@example.com`;
    const lineItems = (input.line_items ?? [{ sku: 'SB-TSHIRT-M', title: 'T-shirt (M)', quantity: 1 }]).map(
      (li) => ({
        ...li,
        id: this.id(),
        variant_id: this.id(),
        requires_shipping: li.requires_shipping ?? true,
      }),
    );
    const order: SandboxShopifyOrder = {
      id,
      admin_graphql_api_id: `gid://shopify/Order/${id}`,
      name: `#${number}`,
      order_number: number,
      email,
      created_at: now,
      updated_at: now,
      cancelled_at: null,
      cancel_reason: null,
      financial_status: 'paid',
      fulfillment_status: null,
      currency: 'USD',
      total_price: '25.00',
      line_items: lineItems,
      shipping_address: input.shipping_address ?? {
        first_name: 'Ada',
        last_name: 'Lovelace',
        name: 'Ada Lovelace',
        address1: '12 Analytical Way',
        city: 'Springfield',
        province: 'Oregon',
        province_code: 'OR',
        zip: '97477',
        country: 'United States',
        country_code: 'US',
        phone: '+1 541 555 0100',
      },
      customer: customer
        ? {
            id: customer.id,
            email: customer.email,
            first_name: customer.first_name,
            last_name: customer.last_name,
          }
        : { id: this.id(), email },
    };
    this.orders.set(id, order);
    const foId = this.id();
    this.fulfillmentOrders.set(id, [
      {
        id: foId,
        order_id: id,
        status: 'open',
        assigned_location_id: LOCATION_ID,
        line_items: lineItems.map((li) => ({
          id: this.id(),
          fulfillment_order_id: foId,
          line_item_id: li.id,
          quantity: li.quantity,
          fulfillable_quantity: li.quantity,
        })),
      },
    ]);
    this.fulfillments.set(id, []);
    return order;
  }

  cancelOrder(orderId: number, reason = 'customer'): SandboxShopifyOrder | undefined {
    const order = this.orders.get(orderId);
    if (!order) return undefined;
    const now = new Date().toISOString();
    order.cancelled_at ??= now;
    order.cancel_reason ??= reason;
    order.updated_at = now;
    for (const fo of this.fulfillmentOrders.get(orderId) ?? [])
      if (fo.status === 'open' || fo.status === 'in_progress') fo.status = 'cancelled';
    return order;
  }

  createCustomer(input: {
    email: string;
    first_name?: string;
    last_name?: string;
    address?: SandboxShopifyAddress;
  }) {
    const id = this.id();
    const address = input.address
      ? { ...input.address, id: this.id(), customer_id: id, default: true as const }
      : null;
    const customer: SandboxShopifyCustomer = {
      id,
      email: input.email,
      first_name: input.first_name,
      last_name: input.last_name,
      default_address: address,
      addresses: address ? [address] : [],
      updated_at: new Date().toISOString(),
    };
    this.customers.set(id, customer);
    return customer;
  }

  /**
   * A merchant edits the customer's default address in the admin: Shopify sends customers/update (through
   * the webhook queue, after its delay).
   */
  editCustomerAddress(id: number, address: SandboxShopifyAddress): SandboxShopifyCustomer {
    const customer = this.customers.get(id);
    if (!customer?.default_address) throw new Error(`no Shopify customer ${id} with an address`);
    const def = customer.addresses.find((a) => a.default)!;
    Object.assign(def, address);
    customer.default_address = { ...def, default: true };
    customer.updated_at = new Date().toISOString();
    const snapshot = structuredClone(customer);
    this.webhooks.send(() => this.sendWebhook('customers/update', snapshot));
    return customer;
  }

  /** Signs and posts a webhook like Shopify does; returns the receiver's answer. */
  async sendWebhook(topic: string, payload: unknown, webhookId: string = randomUUID()) {
    const url = this.opts.webhookUrl();
    if (!url) throw new Error('no webhook target configured for the Shopify sandbox');
    const body = JSON.stringify(payload);
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-hmac-sha256': createHmac('sha256', this.opts.webhookSecret).update(body).digest('base64'),
        'x-shopify-shop-domain': this.opts.shopDomain ?? 'switchboard-sandbox.myshopify.com',
        'x-shopify-webhook-id': webhookId,
        'x-shopify-event-id': webhookId,
        'x-shopify-api-version': '2024-10',
        'x-shopify-triggered-at': new Date().toISOString(),
      },
      body,
    });
    this.webhooksSent.push({ topic, webhookId, status: res.status });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as unknown, webhookId };
  }

  router(): Router {
    const router = Router();
    router.use((req, res, next) => {
      if (req.get('x-shopify-access-token') !== this.opts.accessToken) {
        errors(res, 401, '[API] Invalid API key or access token (unrecognized login or wrong password)');
        return;
      }
      const now = Date.now();
      this.bucket.level = Math.max(0, this.bucket.level - ((now - this.bucket.at) / 1000) * 2) + 1;
      this.bucket.at = now;
      res.set(
        'X-Shopify-Shop-Api-Call-Limit',
        `${Math.min(CALL_LIMIT, Math.ceil(this.bucket.level))}/${CALL_LIMIT}`,
      );
      next();
    });
    router.use(express.json());

    const withOrder = (id: string, res: Response): SandboxShopifyOrder | undefined => {
      const order = this.orders.get(Number(id));
      if (!order) errors(res, 404, 'Not Found');
      return order;
    };
    router.get('/orders/:id.json', (req, res) => {
      const order = withOrder(req.params.id, res);
      if (order) res.json({ order });
    });
    router.get('/orders/:id/fulfillment_orders.json', (req, res) => {
      const order = withOrder(req.params.id, res);
      if (order) res.json({ fulfillment_orders: this.fulfillmentOrders.get(order.id) ?? [] });
    });
    router.get('/orders/:id/fulfillments.json', (req, res) => {
      const order = withOrder(req.params.id, res);
      if (order) res.json({ fulfillments: this.fulfillments.get(order.id) ?? [] });
    });
    router.post('/fulfillments.json', (req, res) => this.createFulfillment(req.body, res));
    router.get('/customers/search.json', (req, res) => {
      const terms = parseSearchQuery(String(req.query.query ?? ''));
      const limit = Math.min(Math.max(Number(req.query.limit ?? 50) || 50, 1), 250);
      const found = [...this.customers.values()].filter((c) => terms.every((t) => matchesTerm(c, t)));
      res.json({ customers: found.slice(0, limit) });
    });
    router.get('/customers/:id.json', (req, res) => {
      const customer = this.customers.get(Number(req.params.id));
      if (!customer) errors(res, 404, 'Not Found');
      else res.json({ customer });
    });
    router.put('/customers/:id.json', (req, res) =>
      this.updateCustomer(Number(req.params.id), req.body, res),
    );
    return router;
  }

  private createFulfillment(body: unknown, res: Response): void {
    const f = (body as { fulfillment?: Record<string, unknown> } | undefined)?.fulfillment;
    if (!f || typeof f !== 'object') {
      errors(res, 400, { fulfillment: 'Required parameter missing or invalid' });
      return;
    }
    const groups = f.line_items_by_fulfillment_order as { fulfillment_order_id?: number }[] | undefined;
    if (!Array.isArray(groups) || groups.length === 0) {
      errors(res, 422, { line_items_by_fulfillment_order: ["can't be blank"] });
      return;
    }
    const all = [...this.fulfillmentOrders.values()].flat();
    const targets = groups.map((g) => all.find((fo) => fo.id === g.fulfillment_order_id));
    const missing = groups.find((_g, i) => !targets[i]);
    if (missing) {
      errors(res, 404, 'Not Found');
      return;
    }
    const orderIds = new Set(targets.map((fo) => fo!.order_id));
    if (orderIds.size !== 1) {
      errors(res, 422, { base: ['All fulfillment orders must belong to the same order.'] });
      return;
    }
    const closed = targets.find((fo) => fo!.status !== 'open' && fo!.status !== 'in_progress');
    if (closed) {
      errors(res, 422, {
        base: [`Fulfillment order ${closed.id} has an unfulfillable status= ${closed.status}.`],
      });
      return;
    }
    const orderId = [...orderIds][0];
    const order = this.orders.get(orderId)!;
    const tracking = (f.tracking_info ?? {}) as Partial<ShopifyTrackingInfo>;
    for (const fo of targets) {
      fo!.status = 'closed';
      for (const li of fo!.line_items) li.fulfillable_quantity = 0;
    }
    const fulfillment: SandboxFulfillment = {
      id: this.id(),
      order_id: orderId,
      status: 'success',
      tracking_company: tracking.company ?? null,
      tracking_number: tracking.number ?? null,
      tracking_numbers: tracking.number ? [tracking.number] : [],
      tracking_url: tracking.url ?? null,
      tracking_urls: tracking.url ? [tracking.url] : [],
      line_items: order.line_items,
      notify_customer: f.notify_customer === true,
      created_at: new Date().toISOString(),
    };
    this.fulfillments.get(orderId)!.push(fulfillment);
    order.fulfillment_status = 'fulfilled';
    order.updated_at = fulfillment.created_at;
    res.status(201).json({ fulfillment });
  }

  private updateCustomer(id: number, body: unknown, res: Response): void {
    const customer = this.customers.get(id);
    if (!customer) {
      errors(res, 404, 'Not Found');
      return;
    }
    const input = (body as { customer?: Record<string, unknown> } | undefined)?.customer;
    if (!input || typeof input !== 'object') {
      errors(res, 400, { customer: 'Required parameter missing or invalid' });
      return;
    }
    for (const key of ['email', 'first_name', 'last_name', 'note'] as const)
      if (typeof input[key] === 'string') customer[key] = input[key] as string;
    const addresses = input.addresses as
      | (SandboxShopifyAddress & { id?: number; default?: boolean })[]
      | undefined;
    for (const a of Array.isArray(addresses) ? addresses : []) {
      const existing = a.id ? customer.addresses.find((x) => x.id === a.id) : undefined;
      if (a.id && !existing) {
        errors(res, 422, { addresses: ['is invalid'] });
        return;
      }
      const { id: _id, default: makeDefault, ...fields } = a;
      const address = existing
        ? Object.assign(existing, fields)
        : { ...fields, id: this.id(), customer_id: customer.id, default: false };
      if (!existing) customer.addresses.push(address);
      if (makeDefault || !customer.default_address) {
        for (const x of customer.addresses) x.default = x === address;
      }
    }
    const def = customer.addresses.find((x) => x.default);
    customer.default_address = def ? { ...def, default: true } : null;
    customer.updated_at = new Date().toISOString();
    res.json({ customer });
    if (this.webhooks.notifyApiWrites) {
      const snapshot = structuredClone(customer);
      this.webhooks.send(() => this.sendWebhook('customers/update', snapshot));
    }
  }

  /** Control endpoints for tests and the demo (not part of Shopify's API). */
  controlRouter(): Router {
    const router = Router();
    router.use(express.json());
    /** Places an order and sends the signed `orders/create` webhook; answers with the gateway's reply. */
    router.post('/orders', async (req, res) => {
      const order = this.createOrder((req.body ?? {}) as NewSandboxOrder);
      const webhook = await this.sendWebhook('orders/create', order);
      res.status(201).json({ order, webhook });
    });
    router.get('/orders/:id', (req, res) => {
      const order = this.orders.get(Number(req.params.id));
      if (!order) {
        res.status(404).json({ error: 'no such order' });
        return;
      }
      res.json({
        order,
        fulfillment_orders: this.fulfillmentOrders.get(order.id),
        fulfillments: this.fulfillments.get(order.id),
      });
    });
    /** Cancels an order and sends the signed `orders/cancelled` webhook. */
    router.post('/orders/:id/cancel', async (req, res) => {
      const order = this.cancelOrder(Number(req.params.id), (req.body as { reason?: string })?.reason);
      if (!order) {
        res.status(404).json({ error: 'no such order' });
        return;
      }
      const webhook = await this.sendWebhook('orders/cancelled', order);
      res.json({ order, webhook });
    });
    router.post('/customers', (req, res) => {
      res.status(201).json(this.createCustomer(req.body as Parameters<ShopifySandbox['createCustomer']>[0]));
    });
    return router;
  }
}

/** One term of Shopify's search syntax: `[field:]value`, the value a name or a quoted phrase. */
interface SearchTerm {
  field?: string;
  tokens: string[];
  quoted: boolean;
}

/** Shopify tokenizes text fields (an email too) on anything that is not a letter or a digit. */
const tokensOf = (text: string) =>
  text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

function parseSearchQuery(query: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  const term = /(?:([a-z_]+):)?(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|(\S+))/g;
  for (const m of query.matchAll(term)) {
    const quoted = m[2] ?? m[3];
    const value = (quoted ?? m[4] ?? '').replace(/\\(.)/g, '$1');
    terms.push({ field: m[1], tokens: tokensOf(value), quoted: quoted !== undefined });
  }
  return terms;
}

/**
 * Shopify's customer search is a tokenized full-text search, also on `email:` (Shopify support, quoted in
 * microsoft/BCApps#6459): an unquoted value matches a customer sharing any of its tokens, as a prefix
 * (`email:mail@test.ch` finds `claro-murten@bluewin.ch`), and a quoted one matches the tokens in sequence,
 * still inside a longer address (`email:"ada@example.com"` finds `ada@example.com.au`). Exact equality
 * is the caller's check.
 */
function matchesTerm(customer: SandboxShopifyCustomer, term: SearchTerm): boolean {
  const fields =
    term.field === 'email'
      ? [customer.email]
      : term.field === 'first_name'
        ? [customer.first_name ?? '']
        : term.field === 'last_name'
          ? [customer.last_name ?? '']
          : [customer.email, customer.first_name ?? '', customer.last_name ?? ''];
  return fields.some((text) => {
    const tokens = tokensOf(text);
    if (term.tokens.length === 0) return false;
    if (!term.quoted) return term.tokens.some((q) => tokens.some((t) => t.startsWith(q)));
    for (let i = 0; i + term.tokens.length <= tokens.length; i++)
      if (term.tokens.every((q, j) => tokens[i + j] === q)) return true;
    return false;
  });
}
