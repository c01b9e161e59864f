/**
 * ShipBob stand-in: the OAuth2 token endpoint (client credentials, Basic client auth) and API 1.0 orders
 * (create per channel with unique reference ids, read, search by reference id, cancel), Bearer-token auth
 * with ShipBob's 401, ASP.NET-style validation problems. A control endpoint "ships" an order: it sets the
 * tracking and sends the `order.shipped` webhook signed with the Standard Webhooks scheme, as ShipBob does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import express, { Request, Response, Router } from 'express';
import { Webhook } from 'standardwebhooks';
import type { z } from 'zod';
import type { ShipbobOrderInput, shipbobOrderEventDataSchema } from './schemas';

export interface SandboxShipbobShipment {
  id: number;
  order_id: number;
  reference_id: string;
  status: 'Processing' | 'Completed' | 'Cancelled';
  location: { id: number; name: string };
  tracking: {
    carrier: string;
    carrier_service: string;
    tracking_number: string;
    tracking_url: string;
    shipping_date: string;
  } | null;
  recipient: unknown;
}

export interface SandboxShipbobOrder {
  id: number;
  created_date: string;
  purchase_date: string | null;
  reference_id: string;
  order_number: string | null;
  status: 'Processing' | 'Fulfilled' | 'Cancelled';
  type: string;
  channel: { id: number; name: string };
  shipping_method: string;
  recipient: unknown;
  products: { id: number; reference_id: string; quantity: number; name: string; sku: string }[];
  shipments: SandboxShipbobShipment[];
}

export interface ShipbobSandboxOptions {
  clientId: string;
  clientSecret: string;
  /** whsec_… Standard Webhooks secret ShipBob signs its webhooks with. */
  webhookSecret: string;
  webhookUrl: () => string | undefined;
  channelIds?: number[];
}

const unauthorized = (res: Response) =>
  res
    .status(401)
    .set('WWW-Authenticate', 'Bearer error="invalid_token"')
    .json({ message: 'Authorization has been denied for this request.' });

/** ASP.NET Core validation problem, ShipBob's 400 shape. */
const validationProblem = (res: Response, errors: Record<string, string[]>) =>
  res.status(400).json({
    type: 'https://tools.ietf.org/html/rfc7231#section-6.5.1',
    title: 'One or more validation errors occurred.',
    status: 400,
    errors,
  });

const CARRIERS = ['USPS', 'UPS', 'FedEx', 'DHL'];

export class ShipbobSandbox {
  readonly orders = new Map<number, SandboxShipbobOrder>();
  /** Access token → expiry (ms since epoch). */
  private readonly tokens = new Map<string, number>();
  /** How many tokens the token endpoint has granted: tests check the client caches them. */
  tokenGrants = 0;
  /** `expires_in` of new tokens, in seconds; a control endpoint changes it. */
  tokenExpiresInSeconds = 3600;
  readonly webhooksSent: { type: string; id: string; status: number }[] = [];
  private nextId = 100_000_000;

  constructor(private readonly opts: ShipbobSandboxOptions) {}

  /** Moves the id sequence on, so two sandboxes sharing one Temporal namespace never mint the same ids. */
  offsetIds(by: number): void {
    this.nextId += by;
  }

  private id(): number {
    return ++this.nextId;
  }

  /** Every token issued so far stops working now, as if it had expired. */
  expireIssuedTokens(): void {
    for (const token of this.tokens.keys()) this.tokens.set(token, 0);
  }

  findByReference(channelId: number, referenceId: string): SandboxShipbobOrder | undefined {
    return [...this.orders.values()].find(
      (o) => o.channel.id === channelId && o.reference_id === referenceId,
    );
  }

  /** Marks the order shipped (tracking on every shipment) and sends the signed `order.shipped` webhook. */
  async shipOrder(orderId: number, tracking: { trackingNumber?: string; carrier?: string } = {}) {
    const order = this.orders.get(orderId);
    if (!order) throw new Error(`no ShipBob order ${orderId}`);
    if (order.status === 'Cancelled') throw new Error(`ShipBob order ${orderId} is cancelled`);
    const carrier = tracking.carrier ?? CARRIERS[orderId % CARRIERS.length];
    const number =
      tracking.trackingNumber ?? `9400${randomBytes(9).toString('hex').replace(/\D/g, '7').slice(0, 18)}`;
    const now = new Date().toISOString();
    order.status = 'Fulfilled';
    for (const shipment of order.shipments) {
      shipment.status = 'Completed';
      shipment.tracking = {
        carrier,
        carrier_service: 'Ground',
        tracking_number: number,
        tracking_url: `https://tracking.example.com/${carrier.toLowerCase()}/${number}`,
        shipping_date: now,
      };
    }
    const shipment = order.shipments[0];
    const webhook = await this.sendWebhook('order.shipped', {
      order_id: order.id,
      reference_id: order.reference_id,
      order_number: order.order_number,
      shipment_id: shipment?.id,
      status: 'Completed',
      tracking: shipment?.tracking,
      tracking_number: number,
      carrier,
      shipped_at: now,
    } satisfies z.input<typeof shipbobOrderEventDataSchema>);
    return { order, webhook };
  }

  /** Signs with the `standardwebhooks` library, as an independent sender would, and posts to the gateway. */
  async sendWebhook(type: string, data: Record<string, unknown>, id = `msg_${randomUUID()}`) {
    const url = this.opts.webhookUrl();
    if (!url) throw new Error('no webhook target configured for the ShipBob sandbox');
    const at = new Date();
    const body = JSON.stringify({ type, timestamp: at.toISOString(), data });
    const signature = new Webhook(this.opts.webhookSecret).sign(id, at, body);
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body,
    });
    this.webhooksSent.push({ type, id, status: res.status });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as unknown, id };
  }

  router(): Router {
    const router = Router();
    router.post('/oauth/token', express.urlencoded({ extended: false }), (req, res) => this.token(req, res));
    router.use((req, res, next) => {
      const auth = req.get('authorization') ?? '';
      const expiry = auth.startsWith('Bearer ') ? this.tokens.get(auth.slice(7)) : undefined;
      if (expiry === undefined || expiry <= Date.now()) {
        unauthorized(res);
        return;
      }
      next();
    });
    router.use(express.json());
    router.get('/1.0/order', (req, res) => {
      const refs = String(req.query.ReferenceIds ?? '')
        .split(',')
        .filter(Boolean);
      const channel = Number(req.get('shipbob_channel_id'));
      const found = [...this.orders.values()].filter(
        (o) => (refs.length === 0 || refs.includes(o.reference_id)) && (!channel || o.channel.id === channel),
      );
      res.set('total-count', String(found.length)).json(found);
    });
    router.post('/1.0/order', (req, res) => this.createOrder(req, res));
    router.get('/1.0/order/:id', (req, res) => {
      const order = this.orders.get(Number(req.params.id));
      if (!order) res.status(404).json({ message: `Order ${req.params.id} not found` });
      else res.json(order);
    });
    router.post('/1.0/order/:id/cancel', (req, res) => {
      const order = this.orders.get(Number(req.params.id));
      if (!order) {
        res.status(404).json({ message: `Order ${req.params.id} not found` });
        return;
      }
      const results = order.shipments.map((s) => {
        if (s.status === 'Completed')
          return {
            action: 'Cancel',
            shipment_id: s.id,
            is_success: false,
            reason: 'Shipment has already shipped',
          };
        s.status = 'Cancelled';
        return { action: 'Cancel', shipment_id: s.id, is_success: true, reason: null };
      });
      const ok = results.every((r) => r.is_success);
      if (ok) order.status = 'Cancelled';
      res.json({
        order_id: order.id,
        reference_id: order.reference_id,
        order,
        status: ok ? 'Success' : results.some((r) => r.is_success) ? 'PartialSuccess' : 'Failure',
        canceled_shipment_results: results,
      });
    });
    return router;
  }

  private token(req: Request, res: Response): void {
    const auth = req.get('authorization') ?? '';
    const [id, secret] = auth.startsWith('Basic ')
      ? Buffer.from(auth.slice(6), 'base64').toString().split(':')
      : [];
    if (id !== this.opts.clientId || secret !== this.opts.clientSecret) {
      res.status(401).json({ error: 'invalid_client' });
      return;
    }
    if ((req.body as { grant_type?: string })?.grant_type !== 'client_credentials') {
      res.status(400).json({ error: 'unsupported_grant_type' });
      return;
    }
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, Date.now() + this.tokenExpiresInSeconds * 1000);
    this.tokenGrants++;
    res.set('cache-control', 'no-store').json({
      access_token: token,
      token_type: 'Bearer',
      expires_in: this.tokenExpiresInSeconds,
      scope: 'orders_read orders_write',
    });
  }

  private createOrder(req: Request, res: Response): void {
    const channelId = Number(req.get('shipbob_channel_id'));
    const channels = this.opts.channelIds ?? [100102];
    if (!channelId || !channels.includes(channelId)) {
      validationProblem(res, { shipbob_channel_id: ['A valid shipbob_channel_id header is required.'] });
      return;
    }
    // What the connector sends, unchecked: every field is checked below, the way ShipBob answers.
    const body = (req.body ?? {}) as Partial<ShipbobOrderInput>;
    const { recipient, products } = body;
    const problems: Record<string, string[]> = {};
    if (typeof body.reference_id !== 'string' || !body.reference_id)
      problems.ReferenceId = ['The ReferenceId field is required.'];
    if (typeof body.shipping_method !== 'string' || !body.shipping_method)
      problems.ShippingMethod = ['The ShippingMethod field is required.'];
    if (!recipient?.name) problems['Recipient.Name'] = ['The Name field is required.'];
    for (const field of ['address1', 'city', 'country'])
      if (!recipient?.address?.[field])
        problems[`Recipient.Address.${field}`] = [`The ${field} field is required.`];
    if (!Array.isArray(products) || products.length === 0)
      problems.Products = ['At least one product is required.'];
    else if (products.some((p) => !p.reference_id || !Number.isInteger(p.quantity) || (p.quantity ?? 0) < 1))
      problems.Products = ['Every product needs a reference_id and a positive quantity.'];
    if (Object.keys(problems).length > 0) {
      validationProblem(res, problems);
      return;
    }
    if (this.findByReference(channelId, body.reference_id as string)) {
      res
        .status(422)
        .json({ message: `An order with reference id ${String(body.reference_id)} already exists.` });
      return;
    }
    const id = this.id();
    const now = new Date().toISOString();
    const order: SandboxShipbobOrder = {
      id,
      created_date: now,
      purchase_date: (body.purchase_date as string) ?? null,
      reference_id: body.reference_id as string,
      order_number: (body.order_number as string) ?? null,
      status: 'Processing',
      type: (body.type as string) ?? 'DTC',
      channel: { id: channelId, name: 'Switchboard sandbox store' },
      shipping_method: body.shipping_method as string,
      recipient,
      products: products!.map((p) => ({
        id: this.id(),
        reference_id: p.reference_id!,
        quantity: p.quantity!,
        name: p.name ?? p.reference_id!,
        sku: p.reference_id!,
      })),
      shipments: [],
    };
    order.shipments.push({
      id: this.id(),
      order_id: id,
      reference_id: order.reference_id,
      status: 'Processing',
      location: { id: 10, name: 'Cicero (IL)' },
      tracking: null,
      recipient,
    });
    this.orders.set(id, order);
    res.status(201).json(order);
  }

  /** Control endpoints for tests and the demo (not part of ShipBob's API). */
  controlRouter(): Router {
    const router = Router();
    router.use(express.json());
    router.get('/orders', (req, res) => {
      const ref = req.query.reference_id;
      res.json([...this.orders.values()].filter((o) => ref === undefined || o.reference_id === String(ref)));
    });
    /**
     * Ships an order (by ShipBob id, or by `reference_id` — the store's order id) and sends the signed
     * `order.shipped` webhook; answers with the order and the gateway's reply.
     */
    router.post('/ship', async (req, res) => {
      const body = (req.body ?? {}) as {
        orderId?: number;
        referenceId?: string;
        trackingNumber?: string;
        carrier?: string;
      };
      const order = body.orderId
        ? this.orders.get(Number(body.orderId))
        : [...this.orders.values()].find((o) => o.reference_id === String(body.referenceId));
      if (!order) {
        res.status(404).json({ error: 'no such ShipBob order' });
        return;
      }
      if (order.status === 'Cancelled') {
        res.status(409).json({ error: 'the order is cancelled' });
        return;
      }
      res.json(await this.shipOrder(order.id, body));
    });
    /** Token behaviour: `expiresIn` (seconds) for new tokens; `expireIssuedTokens` ends the current ones. */
    router.post('/oauth', (req, res) => {
      const body = (req.body ?? {}) as { expiresIn?: number; expireIssuedTokens?: boolean };
      if (body.expiresIn !== undefined) this.tokenExpiresInSeconds = Number(body.expiresIn);
      if (body.expireIssuedTokens) this.expireIssuedTokens();
      res.json(this.oauthState());
    });
    router.get('/oauth', (_req, res) => {
      res.json(this.oauthState());
    });
    return router;
  }

  oauthState() {
    return {
      grants: this.tokenGrants,
      expiresIn: this.tokenExpiresInSeconds,
      activeTokens: this.tokens.size,
    };
  }
}
