/**
 * Slack Web API stand-in: `POST /api/chat.postMessage` with a bot token (Bearer), answering the way Slack
 * does — HTTP 200 with `{ok:false, error}` for auth and channel problems, 429 + Retry-After when rate
 * limited. Posted messages are kept and readable through the control endpoints.
 */
import express, { Router } from 'express';

export interface SandboxSlackMessage {
  channel: string;
  channelName: string;
  ts: string;
  text: string;
  blocks?: unknown[];
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

  router(): Router {
    const router = Router();
    router.post('/api/chat.postMessage', (req, res) => {
      const auth = req.get('authorization');
      const body = (req.body ?? {}) as { channel?: string; text?: string; blocks?: unknown; token?: string };
      const token = auth?.startsWith('Bearer ') ? auth.slice(7) : body.token;
      if (!token) {
        res.json({ ok: false, error: 'not_authed' });
        return;
      }
      if (token !== this.opts.botToken) {
        res.json({ ok: false, error: 'invalid_auth' });
        return;
      }
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
      const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
      const message: SandboxSlackMessage = {
        channel: channel.id,
        channelName: channel.name,
        ts,
        text: body.text ?? '',
        ...(Array.isArray(blocks) ? { blocks } : {}),
      };
      this.messages.push(message);
      res.json({
        ok: true,
        channel: channel.id,
        ts,
        message: { type: 'message', subtype: 'bot_message', text: message.text, ts, bot_id: 'B00000001' },
      });
    });
    return router;
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
