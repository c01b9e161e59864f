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

/** Mailchimp's 400 for a request body it cannot validate. */
const invalidResource = (detail: string) => problem(400, 'Invalid Resource', detail);

/** What Mailchimp answers for an address permanently deleted (GDPR): it cannot be added again by API. */
const forgottenDetail = (email: string) =>
  `${email} was permanently deleted and cannot be re-imported. The contact must re-subscribe to get back on the list.`;
const forgottenProblem = (email: string) =>
  problem(400, 'Forgotten Email Not Subscribed', forgottenDetail(email));

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** Mailchimp's most members per batch subscribe call. */
export const MAILCHIMP_BATCH_MAX_MEMBERS = 500;
const MEMBER_STATUSES = ['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional'];

interface BatchMemberError {
  email_address: string;
  error: string;
  error_code: 'ERROR_CONTACT_EXISTS' | 'ERROR_GENERIC';
  field?: string;
  field_message?: string;
}

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
        res.status(400).json(invalidResource('Please provide a valid email address.'));
        return;
      }
      if (md5(email) !== req.params.hash) {
        res.status(400).json(invalidResource('The subscriber hash does not match the email address.'));
        return;
      }
      const list = this.lists.get(req.params.listId) ?? new Map<string, SandboxMember>();
      this.lists.set(req.params.listId, list);
      const existing = list.get(req.params.hash);
      if (this.forgotten.has(`${req.params.listId}/${req.params.hash}`)) {
        res.status(400).json(forgottenProblem(email));
        return;
      }
      if (!existing && !body.status_if_new && !body.status) {
        res
          .status(400)
          .json(invalidResource('The resource submitted could not be validated: status_if_new is required.'));
        return;
      }
      const member: SandboxMember = {
        id: req.params.hash,
        email_address: email,
        // Mailchimp's own id of the member: it stays through updates and email changes.
        unique_email_id: existing?.unique_email_id ?? md5(`unique:${email}`).slice(0, 10),
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
    /**
     * Update a member (PATCH): the fields given change, the others stay. A new `email_address` moves the
     * member to that address (its subscriber hash changes with it; status, merge fields and tags stay), as
     * Mailchimp allows since API 3.0's 2016-11 release. An address another member of the list already has
     * (archived ones included) is refused with Mailchimp's 400 "Invalid Resource" and the field's reason
     * in `errors`; a permanently deleted one with "Forgotten Email Not Subscribed".
     */
    router.patch('/3.0/lists/:listId/members/:hash', (req, res) => {
      const list = this.lists.get(req.params.listId);
      const member = list?.get(req.params.hash);
      if (!list || !member) {
        res
          .status(404)
          .json(problem(404, 'Resource Not Found', 'The requested resource could not be found.'));
        return;
      }
      const body = (req.body ?? {}) as {
        email_address?: unknown;
        status?: unknown;
        merge_fields?: Record<string, unknown>;
      };
      if (body.email_address !== undefined) {
        const email = typeof body.email_address === 'string' ? body.email_address.trim().toLowerCase() : '';
        if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
          res.status(400).json(invalidResource('Please provide a valid email address.'));
          return;
        }
        const hash = md5(email);
        if (hash !== member.id) {
          if (this.forgotten.has(`${req.params.listId}/${hash}`)) {
            res.status(400).json(forgottenProblem(email));
            return;
          }
          const other = list.get(hash);
          if (other) {
            res.status(400).json({
              ...invalidResource(
                "The resource submitted could not be validated. For field-specific details, see the 'errors' array.",
              ),
              errors: [
                {
                  field: 'email_address',
                  message: `"${email}" is already in this list with a status of "${other.status}".`,
                },
              ],
            });
            return;
          }
          list.delete(member.id);
          member.id = hash;
          member.email_address = email;
          list.set(hash, member);
        }
      }
      if (typeof body.status === 'string' && MEMBER_STATUSES.includes(body.status))
        member.status = body.status;
      if (body.merge_fields) member.merge_fields = { ...member.merge_fields, ...body.merge_fields };
      member.last_changed = new Date().toISOString();
      res.json(member);
    });
    /**
     * Batch subscribe or unsubscribe (`POST /3.0/lists/{list_id}`): up to 500 members, each with its own
     * `status`; `update_existing: true` updates members already on the list (their status too), otherwise
     * they are refused with ERROR_CONTACT_EXISTS. The call answers 200 with a per-member outcome:
     * `new_members`, `updated_members` and `errors` (`email_address`, `error`, `error_code`), plus
     * `total_created`, `total_updated`, `error_count`. A member who unsubscribed or was cleaned is in
     * Mailchimp's compliance state: a batch never subscribes them again (an error for that member).
     */
    router.post('/3.0/lists/:listId', (req, res) => {
      const body = (req.body ?? {}) as { members?: unknown; update_existing?: unknown };
      if (!Array.isArray(body.members) || body.members.length > MAILCHIMP_BATCH_MAX_MEMBERS) {
        res
          .status(400)
          .json(
            invalidResource(
              `members: an array of at most ${MAILCHIMP_BATCH_MAX_MEMBERS} members is required.`,
            ),
          );
        return;
      }
      const listId = req.params.listId;
      const list = this.lists.get(listId) ?? new Map<string, SandboxMember>();
      this.lists.set(listId, list);
      const skipDuplicateCheck = req.query.skip_duplicate_check === 'true';
      const seen = new Set<string>();
      const answer = {
        new_members: [] as SandboxMember[],
        updated_members: [] as SandboxMember[],
        errors: [] as BatchMemberError[],
      };
      const refuse = (email: string, error: string, code: BatchMemberError['error_code'], field?: string) =>
        answer.errors.push({
          email_address: email,
          error,
          error_code: code,
          ...(field ? { field, field_message: error } : {}),
        });
      for (const raw of body.members as {
        email_address?: unknown;
        status?: unknown;
        merge_fields?: Record<string, unknown>;
      }[]) {
        const given = typeof raw?.email_address === 'string' ? raw.email_address : '';
        const email = given.trim().toLowerCase();
        if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) {
          refuse(given, 'Please provide a valid email address.', 'ERROR_GENERIC', 'email_address');
          continue;
        }
        if (seen.has(email)) {
          if (!skipDuplicateCheck)
            refuse(email, `${email} appears more than once in this request.`, 'ERROR_GENERIC');
          continue;
        }
        seen.add(email);
        if (typeof raw.status !== 'string' || !MEMBER_STATUSES.includes(raw.status)) {
          refuse(email, `status must be one of ${MEMBER_STATUSES.join(', ')}.`, 'ERROR_GENERIC', 'status');
          continue;
        }
        const hash = md5(email);
        if (this.forgotten.has(`${listId}/${hash}`)) {
          refuse(email, forgottenDetail(email), 'ERROR_GENERIC');
          continue;
        }
        const existing = list.get(hash);
        const onList = existing && existing.status !== 'archived';
        if (onList && body.update_existing !== true) {
          refuse(
            email,
            `${email} is already a list member. Use PUT to insert or update list members.`,
            'ERROR_CONTACT_EXISTS',
          );
          continue;
        }
        if (onList && raw.status === 'subscribed' && ['unsubscribed', 'cleaned'].includes(existing.status)) {
          refuse(
            email,
            `${email} is in a compliance state due to unsubscribe, bounce, or compliance review and cannot be subscribed.`,
            'ERROR_GENERIC',
          );
          continue;
        }
        const member: SandboxMember = {
          id: hash,
          email_address: email,
          unique_email_id: existing?.unique_email_id ?? md5(`unique:${email}`).slice(0, 10),
          status: raw.status,
          merge_fields: { ...(onList ? existing.merge_fields : {}), ...raw.merge_fields },
          tags: existing?.tags ?? [],
          list_id: listId,
          last_changed: new Date().toISOString(),
        };
        list.set(hash, member);
        (onList ? answer.updated_members : answer.new_members).push(member);
      }
      res.json({
        ...answer,
        total_created: answer.new_members.length,
        total_updated: answer.updated_members.length,
        error_count: answer.errors.length,
        _links: [],
      });
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
        res.status(400).json(invalidResource('tags must be an array of {name, status: active|inactive}.'));
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
    /** How many members, and when the list last changed, without listing them (the bench polls this). */
    router.get('/lists/:listId/stats', (req, res) => {
      let lastChanged = '';
      const members = this.members(req.params.listId);
      for (const m of members) if (m.last_changed > lastChanged) lastChanged = m.last_changed;
      res.json({ member_count: members.length, last_changed: lastChanged || null });
    });
    return router;
  }
}
