/**
 * GitHub stand-in: Switchboard calls no GitHub API, so this is only the sender — a control endpoint opens
 * an issue in a repository and delivers GitHub's `issues` webhook (`X-Hub-Signature-256`, a delivery id
 * that a redelivery keeps) to the gateway, as github.com does.
 */
import { createHmac, randomUUID } from 'node:crypto';
import express, { Router } from 'express';
import type { GithubIssuesEvent } from './schemas';

export interface GithubSandboxOptions {
  webhookSecret: string | undefined;
  webhookUrl: () => string | undefined;
}

export class GithubSandbox {
  private seq = 0;
  private idOffset = 0;

  constructor(private readonly opts: GithubSandboxOptions) {}

  offsetIds(offset: number): void {
    this.idOffset = offset;
  }

  /** Opens an issue and delivers its `issues` / `opened` webhook; returns the gateway's answer. */
  async openIssue(repository: string, issue: { title: string; author?: string; labels?: string[] }) {
    const number = ++this.seq;
    const event: GithubIssuesEvent = {
      action: 'opened',
      issue: {
        id: 1_000_000 + this.idOffset + number,
        number,
        title: issue.title,
        html_url: `https://github.com/${repository}/issues/${number}`,
        user: { login: issue.author ?? 'octocat' },
        labels: (issue.labels ?? []).map((name) => ({ name })),
      },
      repository: { full_name: repository, html_url: `https://github.com/${repository}` },
      sender: { login: issue.author ?? 'octocat' },
    };
    return { issue: event.issue, webhook: await this.sendWebhook('issues', event) };
  }

  async sendWebhook(type: string, event: object, delivery = randomUUID()) {
    const url = this.opts.webhookUrl();
    if (!url || !this.opts.webhookSecret)
      throw new Error('no webhook target or secret for the GitHub sandbox');
    const body = JSON.stringify(event);
    const signature = createHmac('sha256', this.opts.webhookSecret).update(body).digest('hex');
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': type,
        'x-github-delivery': delivery,
        'x-hub-signature-256': `sha256=${signature}`,
      },
      body,
    });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as unknown, delivery };
  }

  /** GitHub's API is not called by any integration: nothing is served under /github. */
  router(): Router {
    return Router();
  }

  controlRouter(): Router {
    const router = Router();
    router.post('/repos/:owner/:repo/issues', express.json(), async (req, res) => {
      const { title, author, labels } = (req.body ?? {}) as {
        title?: string;
        author?: string;
        labels?: string[];
      };
      res.json(
        await this.openIssue(`${req.params.owner}/${req.params.repo}`, {
          title: title ?? 'Something is broken',
          author,
          labels,
        }),
      );
    });
    return router;
  }
}
