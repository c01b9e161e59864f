/**
 * Zendesk stand-in: Support API v2 tickets, users and tags (same paths under /zendesk, basic auth as
 * `{email}/token:{api_token}`, Zendesk's error bodies and rate-limit headers). Control endpoints solve or
 * reopen a ticket and send the webhook signed the way Zendesk signs them:
 * base64(HMAC-SHA256(secret, timestamp + body)) in X-Zendesk-Webhook-Signature.
 */
import { createHmac, randomUUID } from 'node:crypto';
import express, { Response, Router } from 'express';
import type { ZendeskTicketStatus } from './schemas';

export interface SandboxZendeskTicket {
  id: number;
  url: string;
  subject: string;
  description: string;
  status: ZendeskTicketStatus;
  requester_id: number;
  submitter_id: number;
  assignee_id: number | null;
  tags: string[];
  created_at: string;
  updated_at: string;
}

export interface SandboxZendeskUser {
  id: number;
  url: string;
  name: string;
  email: string;
  role: 'end-user' | 'agent' | 'admin';
  locale: string;
  created_at: string;
}

export interface ZendeskSandboxOptions {
  /** `{email}/token`, the basic-auth user name an API token is used with. */
  username: string;
  apiToken: string;
  signingSecret: string;
  webhookUrl: () => string | undefined;
  subdomain?: string;
}

const RATE_LIMIT = 700;
const ACCOUNT_ID = 22129848;

const notFound = (res: Response) =>
  res.status(404).json({ error: 'RecordNotFound', description: 'Not found' });

export class ZendeskSandbox {
  readonly tickets = new Map<number, SandboxZendeskTicket>();
  readonly users = new Map<number, SandboxZendeskUser>();
  readonly webhooksSent: { type: string; id: string; status: number }[] = [];
  private nextTicketId = 5000;
  private nextUserId = 360000000;
  private window = { start: Date.now(), used: 0 };

  constructor(private readonly opts: ZendeskSandboxOptions) {}

  /** Moves the id sequence on, so two sandboxes sharing one Temporal namespace never mint the same ids. */
  offsetIds(by: number): void {
    this.nextTicketId += by;
    this.nextUserId += by;
  }

  private get base(): string {
    return `https://${this.opts.subdomain ?? 'switchboard-sandbox'}.zendesk.com/api/v2`;
  }

  createUser(input: { name: string; email: string }): SandboxZendeskUser {
    const existing = [...this.users.values()].find((u) => u.email === input.email.toLowerCase());
    if (existing) return existing;
    const id = ++this.nextUserId;
    const user: SandboxZendeskUser = {
      id,
      url: `${this.base}/users/${id}.json`,
      name: input.name,
      email: input.email.toLowerCase(),
      role: 'end-user',
      locale: 'en-US',
      created_at: new Date().toISOString(),
    };
    this.users.set(id, user);
    return user;
  }

  createTicket(input: {
    subject?: string;
    description?: string;
    requester: { name: string; email: string };
  }) {
    const requester = this.createUser(input.requester);
    const id = ++this.nextTicketId;
    const now = new Date().toISOString();
    const ticket: SandboxZendeskTicket = {
      id,
      url: `${this.base}/tickets/${id}.json`,
      subject: input.subject ?? 'Help with my order',
      description: input.description ?? 'My parcel has not arrived yet.',
      status: 'open',
      requester_id: requester.id,
      submitter_id: requester.id,
      assignee_id: 361000001,
      tags: [],
      created_at: now,
      updated_at: now,
    };
    this.tickets.set(id, ticket);
    return ticket;
  }

  /** Changes the ticket's status and sends Zendesk's webhook for it (`ticket.solved` / `ticket.reopened`). */
  async setStatus(ticketId: number, status: 'solved' | 'open') {
    const ticket = this.tickets.get(ticketId);
    if (!ticket) throw new Error(`no Zendesk ticket ${ticketId}`);
    const previous = ticket.status;
    ticket.status = status;
    ticket.updated_at = new Date().toISOString();
    const type = status === 'solved' ? 'ticket.solved' : 'ticket.reopened';
    const webhook = await this.sendWebhook(type, ticket, previous);
    return { ticket, webhook };
  }

  /** Posts the event body with Zendesk's signature headers; returns the receiver's answer. */
  async sendWebhook(type: string, ticket: SandboxZendeskTicket, previousStatus: string, id = randomUUID()) {
    const url = this.opts.webhookUrl();
    if (!url) throw new Error('no webhook target configured for the Zendesk sandbox');
    const requester = this.users.get(ticket.requester_id);
    const body = JSON.stringify({
      id,
      type,
      account_id: ACCOUNT_ID,
      time: ticket.updated_at,
      subject: `zen:ticket:${ticket.id}`,
      detail: {
        id: String(ticket.id),
        subject: ticket.subject,
        status: ticket.status.toUpperCase(),
        requester_id: String(ticket.requester_id),
        requester_email: requester?.email,
        updated_at: ticket.updated_at,
      },
      event: { previous: previousStatus.toUpperCase(), current: ticket.status.toUpperCase() },
    });
    const timestamp = new Date().toISOString();
    const signature = createHmac('sha256', this.opts.signingSecret)
      .update(timestamp + body)
      .digest('base64');
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-zendesk-webhook-signature': signature,
        'x-zendesk-webhook-signature-timestamp': timestamp,
        'x-zendesk-webhook-id': '01HSANDBOXWEBHOOK000000000',
        'x-zendesk-webhook-invocation-id': id,
        'x-zendesk-account-id': String(ACCOUNT_ID),
      },
      body,
    });
    this.webhooksSent.push({ type, id, status: res.status });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as unknown, id };
  }

  router(): Router {
    const router = Router();
    router.use((req, res, next) => {
      const auth = req.get('authorization') ?? '';
      const decoded = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString() : '';
      const sep = decoded.lastIndexOf(':');
      if (decoded.slice(0, sep) !== this.opts.username || decoded.slice(sep + 1) !== this.opts.apiToken) {
        res.status(401).json({ error: "Couldn't authenticate you" });
        return;
      }
      const now = Date.now();
      if (now - this.window.start >= 60_000) this.window = { start: now, used: 0 };
      this.window.used++;
      res.set({
        'X-Rate-Limit': String(RATE_LIMIT),
        'X-Rate-Limit-Remaining': String(Math.max(0, RATE_LIMIT - this.window.used)),
      });
      next();
    });
    router.use(express.json());
    router.get('/api/v2/tickets/:id.json', (req, res) => {
      const ticket = this.tickets.get(Number(req.params.id));
      if (!ticket) notFound(res);
      else res.json({ ticket });
    });
    router.get('/api/v2/users/:id.json', (req, res) => {
      const user = this.users.get(Number(req.params.id));
      if (!user) notFound(res);
      else res.json({ user });
    });
    router.put('/api/v2/tickets/:id/tags.json', (req, res) => {
      const ticket = this.tickets.get(Number(req.params.id));
      if (!ticket) {
        notFound(res);
        return;
      }
      const tags = (req.body as { tags?: unknown })?.tags;
      if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string')) {
        res.status(400).json({ error: 'InvalidEndpoint', description: 'tags must be an array of strings' });
        return;
      }
      if (ticket.status === 'closed') {
        res.status(422).json({
          error: 'RecordInvalid',
          description: 'Record validation errors',
          details: { status: [{ description: 'Status: closed prevents ticket update' }] },
        });
        return;
      }
      ticket.tags = [...new Set([...ticket.tags, ...(tags as string[]).map((t) => t.toLowerCase())])];
      ticket.updated_at = new Date().toISOString();
      res.json({ tags: ticket.tags });
    });
    return router;
  }

  /** Control endpoints for tests and the demo (not part of Zendesk's API). */
  controlRouter(): Router {
    const router = Router();
    router.use(express.json());
    router.post('/tickets', (req, res) => {
      const body = (req.body ?? {}) as { subject?: string; requester?: { name: string; email: string } };
      if (!body.requester?.email) {
        res.status(400).json({ error: 'requester.email is required' });
        return;
      }
      res.status(201).json({ ticket: this.createTicket({ ...body, requester: body.requester }) });
    });
    router.get('/tickets/:id', (req, res) => {
      const ticket = this.tickets.get(Number(req.params.id));
      if (!ticket) res.status(404).json({ error: 'no such ticket' });
      else res.json({ ticket, requester: this.users.get(ticket.requester_id) });
    });
    const statusRoute = (status: 'solved' | 'open') => async (req: express.Request, res: Response) => {
      if (!this.tickets.has(Number(req.params.id))) {
        res.status(404).json({ error: 'no such ticket' });
        return;
      }
      res.json(await this.setStatus(Number(req.params.id), status));
    };
    /** Solves the ticket and sends the signed `ticket.solved` webhook. */
    router.post('/tickets/:id/solve', statusRoute('solved'));
    /** Reopens the ticket and sends the signed `ticket.reopened` webhook. */
    router.post('/tickets/:id/reopen', statusRoute('open'));
    return router;
  }
}
