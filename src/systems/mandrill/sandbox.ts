/**
 * Mailchimp Transactional (Mandrill) stand-in: `messages/send` and `messages/send-template` under
 * /mandrill/api/1.0 (with or without the historical `.json` suffix), the API key in the body as `key`,
 * Mandrill's error struct with HTTP 500, per-recipient results. Every accepted email is recorded so tests
 * and the demo can read what was sent (`GET /_sandbox/mandrill/messages`).
 */
import { randomBytes } from 'node:crypto';
import express, { Request, Response, Router } from 'express';
import type { MandrillMessage } from './schemas';

export interface SandboxTemplate {
  slug: string;
  subject: string;
  html: string;
}

export interface SentEmail {
  _id: string;
  at: string;
  to: { email: string; name?: string; type: string };
  subject: string;
  from_email: string;
  template?: string;
  html: string;
  global_merge_vars: NonNullable<MandrillMessage['global_merge_vars']>;
  tags: string[];
  metadata: Record<string, string>;
}

/** Mandrill's error struct; it answers every error with 500. */
const mandrillError = (res: Response, code: number, name: string, message: string) =>
  res.status(500).json({ status: 'error', code, name, message });

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** Addresses Mandrill refuses, so tests can see a per-recipient rejection. */
const REJECTED = /@(bounce|invalid)\.example\.com$/;

export class MandrillSandbox {
  readonly sent: SentEmail[] = [];
  readonly templates = new Map<string, SandboxTemplate>([
    [
      'satisfaction-survey',
      {
        slug: 'satisfaction-survey',
        subject: 'How did we do on "*|TICKET_SUBJECT|*"?',
        html:
          '<p>Hi *|NAME|*,</p><p>Your request #*|TICKET_ID|* was solved. How would you rate our support?</p>' +
          '<p><a href="*|SURVEY_URL|*?rating=good">Good</a> · <a href="*|SURVEY_URL|*?rating=bad">Bad</a></p>',
      },
    ],
  ]);

  constructor(private readonly opts: { apiKey: string }) {}

  /** Emails sent to this address, oldest first. */
  sentTo(email: string): SentEmail[] {
    return this.sent.filter((m) => m.to.email === email.toLowerCase());
  }

  router(): Router {
    const router = Router();
    router.use(express.json());
    router.use((req, res, next) => {
      const key = (req.body as { key?: unknown } | undefined)?.key;
      if (typeof key !== 'string' || key !== this.opts.apiKey) {
        mandrillError(res, -1, 'Invalid_Key', 'Invalid API key');
        return;
      }
      next();
    });
    for (const suffix of ['', '.json']) {
      router.post(`/api/1.0/messages/send${suffix}`, (req, res) => this.send(req, res));
      router.post(`/api/1.0/messages/send-template${suffix}`, (req, res) => this.send(req, res, true));
      router.post(`/api/1.0/users/ping${suffix}`, (_req, res) => res.json('PONG!'));
      router.post(`/api/1.0/messages/search${suffix}`, (req, res) => this.search(req, res));
    }
    return router;
  }

  private send(req: Request, res: Response, withTemplate = false): void {
    const body = req.body as { template_name?: string; message?: Partial<MandrillMessage> };
    let template: SandboxTemplate | undefined;
    if (withTemplate) {
      template = this.templates.get(body.template_name ?? '');
      if (!template) {
        mandrillError(res, 5, 'Unknown_Template', `No such template "${body.template_name ?? ''}"`);
        return;
      }
    }
    const message = body.message;
    if (!message || !Array.isArray(message.to) || message.to.length === 0) {
      mandrillError(
        res,
        -2,
        'ValidationError',
        'Validation error: {"message":{"to":"Please enter an array"}}',
      );
      return;
    }
    const vars = message.global_merge_vars ?? [];
    const fill = (text: string) =>
      text.replace(/\*\|([A-Z0-9_]+)\|\*/g, (_m, name: string) => {
        const v = vars.find((x) => x.name.toUpperCase() === name);
        return v === undefined ? '' : String(v.content);
      });
    const results = message.to.map((to) => {
      const _id = randomBytes(16).toString('hex');
      const email = (to.email ?? '').trim().toLowerCase();
      if (!EMAIL.test(email)) return { email, status: 'invalid', reject_reason: null, _id };
      if (REJECTED.test(email)) return { email, status: 'rejected', reject_reason: 'hard-bounce', _id };
      this.sent.push({
        _id,
        at: new Date().toISOString(),
        to: { email, name: to.name, type: to.type ?? 'to' },
        subject: fill(message.subject ?? template?.subject ?? ''),
        from_email: message.from_email ?? 'noreply@example.com',
        template: template?.slug,
        html: fill(template?.html ?? message.html ?? message.text ?? ''),
        global_merge_vars: vars,
        tags: message.tags ?? [],
        metadata: message.metadata ?? {},
      });
      return { email, status: 'sent', reject_reason: null, _id };
    });
    res.json(results);
  }

  /** messages/search, as far as the connector uses it: `u_<metadata field>:<value>` (Mandrill's syntax). */
  private search(req: Request, res: Response): void {
    const query = String((req.body as { query?: unknown }).query ?? '');
    const m = /^u_([\w-]+):"?([^"]*)"?$/.exec(query.trim());
    const found = m ? this.sent.filter((s) => s.metadata[m[1]] === m[2]) : [];
    res.json(
      found.map((s) => ({
        _id: s._id,
        ts: Math.floor(Date.parse(s.at) / 1000),
        email: s.to.email,
        subject: s.subject,
        state: 'sent',
        metadata: s.metadata,
      })),
    );
  }

  controlRouter(): Router {
    const router = Router();
    router.get('/messages', (req, res) => {
      const to = req.query.to;
      res.json(typeof to === 'string' ? this.sentTo(to) : this.sent);
    });
    return router;
  }
}
