/**
 * Signs webhooks the way each sender does, for tests. Where the provider publishes a signing library it
 * is the library that signs (stripe, @octokit/webhooks-methods, standardwebhooks), so the verifiers are
 * checked against what real senders send; the rest follow the providers' documentation with node:crypto.
 */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import path from 'node:path';
import Stripe from 'stripe';
import { Webhook } from 'standardwebhooks';
import type { Config } from '../../src/config';

export type Headers = Record<string, string>;

const seconds = (at: Date) => Math.floor(at.getTime() / 1000);

/** HubSpot v3: base64 HMAC of method + the full URL + body + timestamp (ms). */
export function hubspotHeaders(
  url: string,
  payload: string,
  secret: string,
  timestamp = Date.now(),
): Headers {
  const signature = createHmac('sha256', secret).update(`POST${url}${payload}${timestamp}`).digest('base64');
  return {
    'content-type': 'application/json',
    'x-hubspot-signature-v3': signature,
    'x-hubspot-request-timestamp': String(timestamp),
  };
}

/** Stripe-Signature as Stripe sends it: one v1 per secret (several while a secret is being rolled). */
export function stripeHeaders(payload: string, secrets: string[], at = new Date()): Headers {
  const webhooks = new Stripe('sk_test_unused').webhooks;
  const signatures = secrets.map((secret) =>
    webhooks.generateTestHeaderString({ payload, secret, timestamp: seconds(at) }),
  );
  const v1 = signatures.flatMap((h) => h.split(',').filter((part) => part.startsWith('v1=')));
  return { 'stripe-signature': [`t=${seconds(at)}`, ...v1].join(',') };
}

const ROOT = path.resolve(__dirname, '..', '..');
/**
 * @octokit/webhooks-methods ships as an ES module only, which Jest's CommonJS runtime cannot load: the
 * library signs in a plain Node child process instead (one process for the whole batch).
 */
export function octokitSignatures(items: { secret: string; payload: string }[]): string[] {
  const script = [
    "import { readFileSync } from 'node:fs';",
    "import { sign } from '@octokit/webhooks-methods';",
    "const items = JSON.parse(readFileSync(0, 'utf8'));",
    'const out = [];',
    'for (const i of items) out.push(await sign(i.secret, i.payload));',
    'process.stdout.write(JSON.stringify(out));',
  ].join('\n');
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: ROOT,
    input: JSON.stringify(items),
  });
  return JSON.parse(stdout.toString()) as string[];
}

export function githubHeaders(payload: string, secret: string, event = 'push', delivery?: string): Headers {
  const [signature] = octokitSignatures([{ secret, payload }]);
  return {
    'x-hub-signature-256': signature,
    'x-github-event': event,
    'x-github-delivery': delivery ?? crypto.randomUUID(),
  };
}

/** Shopify: base64 HMAC-SHA256 of the raw body with the app's client secret. */
export function shopifyHeaders(payload: string, secret: string, topic: string, webhookId?: string): Headers {
  return {
    'x-shopify-hmac-sha256': createHmac('sha256', secret).update(payload).digest('base64'),
    'x-shopify-topic': topic,
    'x-shopify-webhook-id': webhookId ?? crypto.randomUUID(),
    'x-shopify-shop-domain': 'switchboard-test.myshopify.com',
  };
}

/** Slack: v0= hex HMAC-SHA256 of `v0:<seconds>:<body>` with the signing secret. */
export function slackHeaders(payload: string, secret: string, at = new Date()): Headers {
  const ts = String(seconds(at));
  return {
    'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${ts}:${payload}`).digest('hex')}`,
    'x-slack-request-timestamp': ts,
  };
}

/** Standard Webhooks, signed by the `standardwebhooks` reference library; several secrets → several entries. */
export function standardWebhookHeaders(
  payload: string,
  secrets: string[],
  at = new Date(),
  id?: string,
): Headers {
  const msgId = id ?? `msg_${crypto.randomUUID()}`;
  return {
    'webhook-id': msgId,
    'webhook-timestamp': String(seconds(at)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(msgId, at, payload)).join(' '),
  };
}

/** Zendesk: base64 HMAC-SHA256 of timestamp + body, the timestamp in ISO 8601. */
export function zendeskHeaders(payload: string, secret: string, at = new Date()): Headers {
  const timestamp = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    'x-zendesk-webhook-signature': createHmac('sha256', secret)
      .update(timestamp + payload)
      .digest('base64'),
    'x-zendesk-webhook-signature-timestamp': timestamp,
    'x-zendesk-webhook-invocation-id': crypto.randomUUID(),
  };
}

/** The generic in-house scheme: `<prefix><hex|base64 HMAC-SHA256 of the body>` in the configured header. */
export function genericHeaders(payload: string, secret: string, scheme: Config['genericWebhook']): Headers {
  return {
    [scheme.header]: scheme.prefix + createHmac('sha256', secret).update(payload).digest(scheme.encoding),
  };
}

/** What a verifier made of a request: 'ok' or the SignatureError code. */
export function verdict(verify: () => void): string {
  try {
    verify();
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
}

/** The body HubSpot posts when a contact is created: one `contact.creation` event, the id as its eventId. */
export function hubspotContactCreatedBody(id: string, portalId = 62515): string {
  return JSON.stringify([
    {
      eventId: Number(id),
      subscriptionType: 'contact.creation',
      objectId: Number(id),
      occurredAt: Date.now(),
      portalId,
    },
  ]);
}
