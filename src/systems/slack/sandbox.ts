/**
 * Slack Web API stand-in: `POST /api/chat.postMessage` with a bot token (Bearer), answering the way Slack
 * does — HTTP 200 with `{ok:false, error}` for auth and channel problems, 429 + Retry-After when rate
 * limited. Posted messages are kept (with their message metadata) and readable through the control endpoints,
 * and through `GET /api/conversations.history` (by channel id, `include_all_metadata`, `oldest`, `limit`,
 * `cursor`) and `GET /api/conversations.list` (name → id), which a retried post uses to find its first post.
 */
import express, { Request, Response, Router } from 'express';
import { SlackMessageMetadata, slackMessageMetadataSchema } from './schemas';

export interface SandboxSlackMessage {
  channel: string;
  channelName: string;
  ts: string;
  text: string;
  blocks?: unknown[];
  metadata?: SlackMessageMetadata;
}

export interface SlackSandboxOptions {
  botToken: string;
  /** Channel names (without #) that exist; the bot is a member of each. */
  channels?: string[];
}

export const DEFAULT_SLACK_CHANNELS = ['general', 'sales', 'deals', 'finance', 'alerts'];

export class SlackSandbox {
  readonly messages: SandboxSlackMessage[] = [];
  /** name → id */
  private readonly channels = new Map<string, string>();
  /** Errors to answer the next N calls with (e.g. ratelimited, internal_error), for tests. */
  private failures: { error: string; remaining: number } | undefined;
  private seq = 0;

  constructor(private readonly opts: SlackSandboxOptions) {
    for (const name of opts.channels ?? DEFAULT_SLACK_CHANNELS) this.addChannel(name);
  }

  addChannel(name: string): string {
    const clean = name.replace(/^#/, '');
    if (!this.channels.has(clean))
      this.channels.set(clean, `C${String(this.channels.size + 1).padStart(8, '0')}`);
    return this.channels.get(clean)!;
  }

  /** Messages posted to a channel, given by name (#sales or sales) or id. */
  messagesIn(channel: string): SandboxSlackMessage[] {
    const resolved = this.resolve(channel);
    return this.messages.filter((m) => m.channel === resolved?.id);
  }

  failNext(error: string, times = 1): void {
    this.failures = { error, remaining: times };
  }

  private resolve(channel: string): { id: string; name: string } | undefined {
    const name = channel.replace(/^#/, '');
    const byName = this.channels.get(name);
    if (byName) return { id: byName, name };
    for (const [n, id] of this.channels) if (id === channel) return { id, name: n };
    return undefined;
  }

  /** The bot token check every method shares: false (and the answer sent) when it fails. */
  private authorized(req: Request, res: Response): boolean {
    const auth = req.get('authorization');
    const fromBody = (req.body as { token?: unknown } | undefined)?.token;
    const fromQuery = req.query.token;
    const token = auth?.startsWith('Bearer ')
      ? auth.slice(7)
      : typeof fromBody === 'string'
        ? fromBody
        : typeof fromQuery === 'string'
          ? fromQuery
          : undefined;
    if (!token) {
      res.json({ ok: false, error: 'not_authed' });
      return false;
    }
    if (token !== this.opts.botToken) {
      res.json({ ok: false, error: 'invalid_auth' });
      return false;
    }
    return true;
  }

  /** GET query or POST body, as Slack accepts both for its read methods. */
  private static args(req: Request): Record<string, unknown> {
    return { ...(req.query as Record<string, unknown>), ...((req.body as Record<string, unknown>) ?? {}) };
  }

  router(): Router {
    const router = Router();
    router.post('/api/chat.postMessage', (req, res) => {
      if (!this.authorized(req, res)) return;
      const body = (req.body ?? {}) as {
        channel?: string;
        text?: string;
        blocks?: unknown;
        metadata?: unknown;
      };
      if (this.failures && this.failures.remaining > 0) {
        this.failures.remaining--;
        const { error } = this.failures;
        if (error === 'ratelimited') res.status(429).set('retry-after', '1');
        res.json({ ok: false, error });
        return;
      }
      if (!body.channel) {
        res.json({ ok: false, error: 'channel_not_found' });
        return;
      }
      const channel = this.resolve(body.channel);
      if (!channel) {
        res.json({ ok: false, error: 'channel_not_found' });
        return;
      }
      const blocks = typeof body.blocks === 'string' ? (JSON.parse(body.blocks) as unknown[]) : body.blocks;
      if (!body.text && !(Array.isArray(blocks) && blocks.length > 0)) {
        res.json({ ok: false, error: 'no_text' });
        return;
      }
      let metadata: SlackMessageMetadata | undefined;
      if (body.metadata !== undefined) {
        let raw: unknown = body.metadata;
        try {
          if (typeof raw === 'string') raw = JSON.parse(raw) as unknown;
        } catch {
          raw = undefined;
        }
        const parsed = slackMessageMetadataSchema.safeParse(raw);
        if (!parsed.success) {
          res.json({ ok: false, error: 'invalid_metadata_format' });
          return;
        }
        metadata = parsed.data;
      }
      const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
      const message: SandboxSlackMessage = {
        channel: channel.id,
        channelName: channel.name,
        ts,
        text: body.text ?? '',
        ...(Array.isArray(blocks) ? { blocks } : {}),
        ...(metadata ? { metadata } : {}),
      };
      this.messages.push(message);
      res.json({
        ok: true,
        channel: channel.id,
        ts,
        message: this.asSlackMessage(message, true),
      });
    });
    const history = (req: Request, res: Response) => {
      if (!this.authorized(req, res)) return;
      const args = SlackSandbox.args(req);
      // Slack wants the conversation id here, not a name.
      const id = typeof args.channel === 'string' ? args.channel : '';
      if (![...this.channels.values()].includes(id)) {
        res.json({ ok: false, error: 'channel_not_found' });
        return;
      }
      const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
      const oldest = Number(args.oldest ?? 0);
      const latest = args.latest === undefined ? Infinity : Number(args.latest);
      const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 999);
      const offset = typeof args.cursor === 'string' && args.cursor ? Number(args.cursor) || 0 : 0;
      const inRange = this.messages
        .filter((m) => m.channel === id && Number(m.ts) > oldest && Number(m.ts) < latest)
        .reverse(); // newest first
      const page = inRange.slice(offset, offset + limit);
      const hasMore = offset + limit < inRange.length;
      res.json({
        ok: true,
        messages: page.map((m) => this.asSlackMessage(m, withMetadata)),
        has_more: hasMore,
        pin_count: 0,
        response_metadata: { next_cursor: hasMore ? String(offset + limit) : '' },
      });
    };
    router.get('/api/conversations.history', history);
    router.post('/api/conversations.history', history);
    const list = (req: Request, res: Response) => {
      if (!this.authorized(req, res)) return;
      const args = SlackSandbox.args(req);
      const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 1000);
      const offset = typeof args.cursor === 'string' && args.cursor ? Number(args.cursor) || 0 : 0;
      const all = [...this.channels].map(([name, id]) => ({ id, name, is_channel: true, is_member: true }));
      const hasMore = offset + limit < all.length;
      res.json({
        ok: true,
        channels: all.slice(offset, offset + limit),
        response_metadata: { next_cursor: hasMore ? String(offset + limit) : '' },
      });
    };
    router.get('/api/conversations.list', list);
    router.post('/api/conversations.list', list);
    return router;
  }

  /** A stored message as Slack's API shows it; metadata only when asked for (include_all_metadata). */
  private asSlackMessage(m: SandboxSlackMessage, withMetadata: boolean) {
    return {
      type: 'message',
      subtype: 'bot_message',
      text: m.text,
      ts: m.ts,
      bot_id: 'B00000001',
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
    };
  }

  controlRouter(): Router {
    const router = Router();
    router.use(express.json());
    /** `?channel=#sales` (name or id) narrows the list. */
    router.get('/messages', (req, res) => {
      res.json(typeof req.query.channel === 'string' ? this.messagesIn(req.query.channel) : this.messages);
    });
    router.post('/channels', (req, res) => {
      const name = String(req.body?.name ?? '');
      if (!name) {
        res.status(400).json({ error: 'name is required' });
        return;
      }
      res.status(201).json({ id: this.addChannel(name), name: name.replace(/^#/, '') });
    });
    /** `{"error": "ratelimited", "times": 2}`: the next calls answer with that Slack error. */
    router.post('/fail', (req, res) => {
      this.failNext(String(req.body?.error ?? 'internal_error'), Number(req.body?.times ?? 1));
      res.status(204).end();
    });
    return router;
  }
}
