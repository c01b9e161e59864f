/**
 * A Slack-compatible incoming-webhook receiver: where `npm start` and the tests point ALERT_WEBHOOK_URL,
 * so a failed run's alert can be seen (`GET /_sandbox/alerts/messages`). It answers like Slack's
 * incoming webhooks: `200 ok` (text/plain), `400 invalid_payload` or `400 no_text`.
 */
import express, { Router } from 'express';

export interface ReceivedAlert {
  at: number;
  text: string;
  /** The whole payload as posted (text, blocks, attachments…). */
  payload: Record<string, unknown>;
}

export class AlertReceiver {
  readonly messages: ReceivedAlert[] = [];

  /** The incoming-webhook endpoint, mounted at /alerts. */
  router(): Router {
    const router = Router();
    router.post('/hook', express.json({ limit: '1mb' }), (req, res) => {
      const body = req.body as unknown;
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        res.status(400).type('text/plain').send('invalid_payload');
        return;
      }
      const payload = body as Record<string, unknown>;
      if (typeof payload.text !== 'string' && !Array.isArray(payload.blocks)) {
        res.status(400).type('text/plain').send('no_text');
        return;
      }
      this.messages.push({ at: Date.now(), text: String(payload.text ?? ''), payload });
      res.status(200).type('text/plain').send('ok');
    });
    return router;
  }

  /** Control endpoints, mounted at /_sandbox/alerts. */
  controlRouter(): Router {
    const router = Router();
    router.get('/messages', (_req, res) => {
      res.json(this.messages);
    });
    router.delete('/messages', (_req, res) => {
      this.messages.length = 0;
      res.status(204).end();
    });
    return router;
  }
}
