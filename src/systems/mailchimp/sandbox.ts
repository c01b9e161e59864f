/**
 * Mailchimp Marketing API stand-in: list members addressed by MD5 subscriber hash, HTTP basic auth with
 * the API key as password, RFC 7807 problem bodies as Mailchimp returns them.
 */
import { createHash } from 'node:crypto';
import express, { Router } from 'express';

export interface SandboxMember {
  id: string;
  email_address: string;
  unique_email_id: string;
  status: string;
  merge_fields: Record<string, unknown>;
  tags: { id: number; name: string }[];
  list_id: string;
  last_changed: string;
}

const problem = (status: number, title: string, detail: string) => ({
  type: 'https://mailchimp.com/developer/marketing/docs/errors/',
  title,
  status,
  detail,
  instance: '00000000-0000-4000-8000-000000000000',
});

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export class MailchimpSandbox {
  /** listId → subscriber hash → member */
  readonly lists = new Map<string, Map<string, SandboxMember>>();
  /** Permanently deleted (GDPR) addresses, which Mailchimp refuses to re-add by API. */
  private readonly forgotten = new Set<string>();

  constructor(private readonly opts: { apiKey: string }) {}

  members(listId: string): SandboxMember[] {
    return [...(this.lists.get(listId)?.values() ?? [])];
  }

  router(): Router {
    const router = Router();
    router.use((req, res, next) => {
      const auth = req.get('authorization') ?? '';
      const password = auth.startsWith('Basic ')
        ? Buffer.from(auth.slice(6), 'base64').toString().split(':').slice(1).join(':')
        : '';
      if (password !== this.opts.apiKey) {
        res
          .status(401)
          .json(
            problem(
              401,
              'API Key Invalid',
              "Your API key may be invalid, or you've attempted to access the wrong datacenter.",
            ),
          );
        return;
      }
      next();
    });
    router.use(express.json());
    router.get('/3.0/lists/:listId/members/:hash', (req, res) => {
      const member = this.lists.get(req.params.listId)?.get(req.params.hash);
      if (!member) {
        res
          .status(404)
          .json(problem(404, 'Resource Not Found', 'The requested resource could not be found.'));
        return;
      }
      res.json(member);
    });
    router.put('/3.0/lists/:listId/members/:hash', (req, res) => {
      const body = req.body as {
        email_address?: string;
        status_if_new?: string;
        status?: string;
        merge_fields?: Record<string, unknown>;
      };
      const email = body.email_address?.trim().toLowerCase();
      if (!email || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
        res.status(400).json(problem(400, 'Invalid Resource', 'Please provide a valid email address.'));
        return;
      }
      if (md5(email) !== req.params.hash) {
        res
          .status(400)
          .json(problem(400, 'Invalid Resource', 'The subscriber hash does not match the email address.'));
        return;
      }
      const list = this.lists.get(req.params.listId) ?? new Map<string, SandboxMember>();
      this.lists.set(req.params.listId, list);
      const existing = list.get(req.params.hash);
      if (this.forgotten.has(`${req.params.listId}/${req.params.hash}`)) {
        res
          .status(400)
          .json(
            problem(
              400,
              'Forgotten Email Not Subscribed',
              `${email} was permanently deleted and cannot be re-imported. The contact must re-subscribe to get back on the list.`,
            ),
          );
        return;
      }
      if (!existing && !body.status_if_new && !body.status) {
        res
          .status(400)
          .json(
            problem(
              400,
              'Invalid Resource',
              'The resource submitted could not be validated: status_if_new is required.',
            ),
          );
        return;
      }
      const member: SandboxMember = {
        id: req.params.hash,
        email_address: email,
        unique_email_id: md5(`unique:${email}`).slice(0, 10),
        // An archived member comes back like a new one: status_if_new applies again.
        status:
          body.status ??
          (existing && existing.status !== 'archived' ? existing.status : undefined) ??
          body.status_if_new ??
          'subscribed',
        merge_fields: { ...existing?.merge_fields, ...body.merge_fields },
        tags: existing?.tags ?? [],
        list_id: req.params.listId,
        last_changed: new Date().toISOString(),
      };
      list.set(req.params.hash, member);
      res.json(member);
    });
    /** Archive: the member stays (status "archived") so history and opt-outs are kept. */
    router.delete('/3.0/lists/:listId/members/:hash', (req, res) => {
      const member = this.lists.get(req.params.listId)?.get(req.params.hash);
      if (!member || member.status === 'archived') {
        res
          .status(404)
          .json(problem(404, 'Resource Not Found', 'The requested resource could not be found.'));
        return;
      }
      member.status = 'archived';
      member.last_changed = new Date().toISOString();
      res.status(204).end();
    });
    router.post('/3.0/lists/:listId/members/:hash/actions/delete-permanent', (req, res) => {
      const list = this.lists.get(req.params.listId);
      if (!list?.has(req.params.hash)) {
        res
          .status(404)
          .json(problem(404, 'Resource Not Found', 'The requested resource could not be found.'));
        return;
      }
      list.delete(req.params.hash);
      this.forgotten.add(`${req.params.listId}/${req.params.hash}`);
      res.status(204).end();
    });
    router.post('/3.0/lists/:listId/members/:hash/tags', (req, res) => {
      const member = this.lists.get(req.params.listId)?.get(req.params.hash);
      if (!member) {
        res
          .status(404)
          .json(problem(404, 'Resource Not Found', 'The requested resource could not be found.'));
        return;
      }
      const tags = (req.body as { tags?: { name?: unknown; status?: unknown }[] })?.tags;
      if (
        !Array.isArray(tags) ||
        tags.some((t) => typeof t?.name !== 'string' || !['active', 'inactive'].includes(String(t.status)))
      ) {
        res
          .status(400)
          .json(
            problem(400, 'Invalid Resource', 'tags must be an array of {name, status: active|inactive}.'),
          );
        return;
      }
      for (const t of tags as { name: string; status: string }[]) {
        member.tags = member.tags.filter((x) => x.name !== t.name);
        if (t.status === 'active') member.tags.push({ id: this.tagId(t.name), name: t.name });
      }
      res.status(204).end();
    });
    return router;
  }

  private readonly tagIds = new Map<string, number>();
  private tagId(name: string): number {
    if (!this.tagIds.has(name)) this.tagIds.set(name, this.tagIds.size + 1);
    return this.tagIds.get(name)!;
  }

  controlRouter(): Router {
    const router = Router();
    router.get('/lists/:listId/members', (req, res) => {
      res.json(this.members(req.params.listId));
    });
    return router;
  }
}
