/**
 * What `npm run new-system` knows of each webhook signature scheme Switchboard verifies: the new system's
 * signature.ts (the existing verifier of that scheme, plus the signer its stand-in uses, made of the
 * shared HMAC primitives: no new crypto), its sandbox secret, and how tests sign a request the way such
 * senders do (test/helpers/webhookSigning.ts, the providers' own libraries where there are some).
 */

export interface SystemNames {
  /** acme: the folder, the webhook `:source`, the sandbox prefix, `config.systems.acme` */
  name: string;
  /** Acme: types and functions (`getAcmeRecord`, `AcmeSandbox`) */
  pascal: string;
  /** ACME: settings' prefix */
  upper: string;
  /** Acme: what the docs call it */
  title: string;
}

export interface WebhookScheme {
  /** The sender it signs like, in words. */
  like: string;
  /** `{type, timestamp, data}` with the message id in the `webhook-id` header, or `{id, type, timestamp, data}`. */
  envelope: 'standard' | 'plain';
  /** The sandbox's published value of <NAME>_WEBHOOK_SECRETS. */
  sandboxSecret(n: SystemNames): string;
  /** What the secret is, for the docs. */
  secretDescription(n: SystemNames): string;
  /** Two secrets a test signs with (a rotation: the new one and the old one). */
  testSecrets(n: SystemNames): [string, string];
  /** signature.ts: the verifier of the scheme, and the stand-in's signer. */
  signatureFile(n: SystemNames): string;
  /** webhook.test.ts: the signing helpers it imports and an expression of `payload` and `secret`. */
  testSigner(n: SystemNames): { imports: string[]; fromSignature?: string; expression: string };
  /** test/helpers/webhookSamples.ts: an expression of `stack`, `payload`, `secrets` and `eventType`. */
  sampleSigner(n: SystemNames): string;
}

/** What each signature.ts declares first: what a signature may cover. */
const signedMessage = (
  n: SystemNames,
) => `/** What one of ${n.title}'s webhook signatures may cover: the URL posted to, the message id, the body. */
export interface ${n.pascal}SignedMessage {
  url: string;
  id: string;
  body: string;
  at?: Date;
}
`;

const seconds = (at: string) => `String(Math.floor((${at} ?? new Date()).getTime() / 1000))`;

/** The header's value: the digest, after its prefix if it has one. */
const signed = (prefix: string, digest: string) => (prefix ? `\`${prefix}\${${digest}}\`` : digest);

/** The schemes that sign one header over the body alone with HMAC-SHA256. */
function bodyOnly(opts: {
  like: string;
  from: string;
  verifier: string;
  header: string;
  encoding: 'hex' | 'base64';
  prefix: string;
  doc: string;
  testImport: string;
  testCall: (n: SystemNames) => string;
  sampleCall: (n: SystemNames) => string;
}): WebhookScheme {
  return {
    like: opts.like,
    envelope: 'plain',
    sandboxSecret: (n) => `sandbox-${n.name}-webhook-secret`,
    secretDescription: (n) => `the ${n.title} webhook's signing secret (HMAC-SHA256, ${opts.like})`,
    testSecrets: (n) => [`new-${n.name}-secret`, `old-${n.name}-secret`],
    signatureFile: (n) => `/**
 * ${n.title} signs its webhooks ${opts.doc}. No timestamp is signed (no replay window): a redelivery is
 * recognised by the envelope's id. Verified by the existing ${opts.like} verifier (${opts.from}).
 */
import { hmacSha256, SignedRequest } from '../kit/hmac';
import { ${opts.verifier} } from '${opts.from}';

${signedMessage(n)}
export function verify${n.pascal}Signature(req: SignedRequest, secrets: string[]): void {
  ${opts.verifier}(req, secrets);
}

/** The headers ${n.title} sends with a webhook (its stand-in signs with this). */
export function sign${n.pascal}Webhook(secret: string, message: ${n.pascal}SignedMessage): Record<string, string> {
  return { '${opts.header}': ${signed(opts.prefix, `hmacSha256(secret, message.body).toString('${opts.encoding}')`)} };
}
`,
    testSigner: (n) => ({ imports: [opts.testImport], expression: opts.testCall(n) }),
    sampleSigner: opts.sampleCall,
  };
}

const hmacSha256Scheme: WebhookScheme = {
  like: 'the generic HMAC-SHA256 sender',
  envelope: 'plain',
  sandboxSecret: (n) => `sandbox-${n.name}-webhook-secret`,
  secretDescription: (n) => `the ${n.title} webhook's HMAC-SHA256 key`,
  testSecrets: (n) => [`new-${n.name}-secret`, `old-${n.name}-secret`],
  signatureFile: (n) => `/**
 * ${n.title} signs its webhooks with plain HMAC-SHA256, the generic sender's scheme:
 * \`x-${n.name}-signature: sha256=<hex of HMAC-SHA256(secret, body)>\`. No timestamp is signed (no replay
 * window): a redelivery is recognised by the envelope's id. Verified by the generic verifier.
 */
import type { Config } from '../../config';
import { verifyGenericHmacSignature } from '../generic/signature';
import { hmacSha256, SignedRequest } from '../kit/hmac';

/** The header, the encoding and the prefix of ${n.title}'s signature. */
export const ${n.upper}_SIGNATURE: Config['genericWebhook'] = {
  header: 'x-${n.name}-signature',
  encoding: 'hex',
  prefix: 'sha256=',
};

${signedMessage(n)}
export function verify${n.pascal}Signature(req: SignedRequest, secrets: string[]): void {
  verifyGenericHmacSignature(req, secrets, ${n.upper}_SIGNATURE);
}

/** The headers ${n.title} sends with a webhook (its stand-in signs with this). */
export function sign${n.pascal}Webhook(secret: string, message: ${n.pascal}SignedMessage): Record<string, string> {
  const { header, encoding, prefix } = ${n.upper}_SIGNATURE;
  return { [header]: prefix + hmacSha256(secret, message.body).toString(encoding) };
}
`,
  testSigner: (n) => ({
    imports: ['genericHeaders'],
    fromSignature: `${n.upper}_SIGNATURE`,
    expression: `genericHeaders(payload, secret, ${n.upper}_SIGNATURE)`,
  }),
  sampleSigner: (n) =>
    `genericHeaders(payload, secrets.${n.name}[0], { header: 'x-${n.name}-signature', encoding: 'hex', prefix: 'sha256=' })`,
};

const standardWebhooks: WebhookScheme = {
  like: 'Standard Webhooks (ShipBob, Svix senders)',
  envelope: 'standard',
  sandboxSecret: (n) => `whsec_${Buffer.from(`sandbox-${n.name}-webhooks`).toString('base64')}`,
  secretDescription: (n) => `the ${n.title} webhook signing secret (\`whsec_…\`, Standard Webhooks)`,
  testSecrets: (n) => [
    `whsec_${Buffer.from(`the new ${n.name} key`).toString('base64')}`,
    `whsec_${Buffer.from(`the old ${n.name} key`).toString('base64')}`,
  ],
  signatureFile: (n) => `/**
 * ${n.title} signs its webhooks with Standard Webhooks, as ShipBob and Svix senders do: \`webhook-id\`,
 * \`webhook-timestamp\` (seconds) and \`webhook-signature: v1,<base64 HMAC-SHA256(key, id.timestamp.body)>\`,
 * the key being the base64 after \`whsec_\`; 5-minute tolerance. Verified by the Standard Webhooks verifier.
 */
import { hmacSha256, SignedRequest } from '../kit/hmac';
import { standardWebhookKey, verifyStandardWebhookSignature } from '../kit/standardWebhooks';

${signedMessage(n)}
export function verify${n.pascal}Signature(req: SignedRequest, secrets: string[], now = Date.now()): void {
  verifyStandardWebhookSignature(req, secrets, now);
}

/** The headers ${n.title} sends with a webhook (its stand-in signs with this). */
export function sign${n.pascal}Webhook(secret: string, message: ${n.pascal}SignedMessage): Record<string, string> {
  const timestamp = ${seconds('message.at')};
  const signature = hmacSha256(standardWebhookKey(secret), \`\${message.id}.\${timestamp}.\${message.body}\`);
  return {
    'webhook-id': message.id,
    'webhook-timestamp': timestamp,
    'webhook-signature': \`v1,\${signature.toString('base64')}\`,
  };
}
`,
  testSigner: () => ({
    imports: ['standardWebhookHeaders'],
    expression: 'standardWebhookHeaders(payload, [secret], new Date(), MESSAGE_ID)',
  }),
  sampleSigner: (n) => `standardWebhookHeaders(payload, secrets.${n.name})`,
};

const stripe: WebhookScheme = {
  like: 'Stripe',
  envelope: 'plain',
  sandboxSecret: (n) => `whsec_sandbox_${n.name}`,
  secretDescription: (n) => `the ${n.title} webhook signing secret (Stripe's scheme)`,
  testSecrets: (n) => [`whsec_new_${n.name}`, `whsec_old_${n.name}`],
  signatureFile: (n) => `/**
 * ${n.title} signs its webhooks as Stripe does: \`Stripe-Signature: t=<unix seconds>,v1=<hex>\`, each v1 the
 * hex HMAC-SHA256 of \`\${t}.\${body}\`; 300 s tolerance. Verified by the Stripe verifier.
 */
import { hmacSha256, SignedRequest } from '../kit/hmac';
import { verifyStripeSignature } from '../stripe/signature';

${signedMessage(n)}
export function verify${n.pascal}Signature(req: SignedRequest, secrets: string[], now = Date.now()): void {
  verifyStripeSignature(req, secrets, now);
}

/** The headers ${n.title} sends with a webhook (its stand-in signs with this). */
export function sign${n.pascal}Webhook(secret: string, message: ${n.pascal}SignedMessage): Record<string, string> {
  const t = ${seconds('message.at')};
  return { 'stripe-signature': \`t=\${t},v1=\${hmacSha256(secret, \`\${t}.\${message.body}\`).toString('hex')}\` };
}
`,
  testSigner: () => ({ imports: ['stripeHeaders'], expression: 'stripeHeaders(payload, [secret])' }),
  sampleSigner: (n) => `stripeHeaders(payload, secrets.${n.name})`,
};

const github = bodyOnly({
  like: 'GitHub',
  from: '../github/signature',
  verifier: 'verifyGithubSignature',
  header: 'x-hub-signature-256',
  encoding: 'hex',
  prefix: 'sha256=',
  doc: 'as GitHub does: `X-Hub-Signature-256: sha256=<hex of HMAC-SHA256(secret, body)>`',
  testImport: 'githubHeaders',
  testCall: () => 'githubHeaders(payload, secret)',
  sampleCall: (n) => `githubHeaders(payload, secrets.${n.name}[0], eventType)`,
});

const shopify = bodyOnly({
  like: 'Shopify',
  from: '../shopify/signature',
  verifier: 'verifyShopifySignature',
  header: 'x-shopify-hmac-sha256',
  encoding: 'base64',
  prefix: '',
  doc: 'as Shopify does: `X-Shopify-Hmac-Sha256: <base64 of HMAC-SHA256(secret, body)>`',
  testImport: 'shopifyHeaders',
  testCall: () => "shopifyHeaders(payload, secret, 'record.updated')",
  sampleCall: (n) => `shopifyHeaders(payload, secrets.${n.name}[0], eventType)`,
});

const slack: WebhookScheme = {
  like: 'Slack',
  envelope: 'plain',
  sandboxSecret: (n) => `sandbox-${n.name}-signing-secret`,
  secretDescription: (n) => `the ${n.title} webhook signing secret (Slack's scheme)`,
  testSecrets: (n) => [`new-${n.name}-signing-secret`, `old-${n.name}-signing-secret`],
  signatureFile: (n) => `/**
 * ${n.title} signs its webhooks as Slack does: \`X-Slack-Signature: v0=<hex of HMAC-SHA256(secret,
 * v0:<timestamp>:<body>)>\` with \`X-Slack-Request-Timestamp\` in seconds; 5-minute tolerance. Verified by the
 * Slack verifier.
 */
import { hmacSha256, SignedRequest } from '../kit/hmac';
import { verifySlackSignature } from '../slack/signature';

${signedMessage(n)}
export function verify${n.pascal}Signature(req: SignedRequest, secrets: string[], now = Date.now()): void {
  verifySlackSignature(req, secrets, now);
}

/** The headers ${n.title} sends with a webhook (its stand-in signs with this). */
export function sign${n.pascal}Webhook(secret: string, message: ${n.pascal}SignedMessage): Record<string, string> {
  const ts = ${seconds('message.at')};
  return {
    'x-slack-signature': \`v0=\${hmacSha256(secret, \`v0:\${ts}:\${message.body}\`).toString('hex')}\`,
    'x-slack-request-timestamp': ts,
  };
}
`,
  testSigner: () => ({ imports: ['slackHeaders'], expression: 'slackHeaders(payload, secret)' }),
  sampleSigner: (n) => `slackHeaders(payload, secrets.${n.name}[0])`,
};

const hubspotV3: WebhookScheme = {
  like: 'HubSpot (signature v3)',
  envelope: 'plain',
  sandboxSecret: (n) => `sandbox-${n.name}-client-secret`,
  secretDescription: (n) => `the ${n.title} webhook signing secret (HubSpot's v3 scheme)`,
  testSecrets: (n) => [`new-${n.name}-client-secret`, `old-${n.name}-client-secret`],
  signatureFile: (n) => `/**
 * ${n.title} signs its webhooks as HubSpot does (v3): \`X-HubSpot-Signature-v3\` = base64 HMAC-SHA256 of
 * method + full URL + body + timestamp, the timestamp (ms) in \`X-HubSpot-Request-Timestamp\`; 5-minute
 * tolerance. The URL is signed: behind a TLS proxy, set PUBLIC_BASE_URL. Verified by the HubSpot verifier.
 */
import { signHubspotV3, verifyHubspotSignature } from '../hubspot/signature';
import type { SignedRequest } from '../kit/hmac';

${signedMessage(n)}
export function verify${n.pascal}Signature(req: SignedRequest, secrets: string[], now = Date.now()): void {
  verifyHubspotSignature(req, secrets, now);
}

/** The headers ${n.title} sends with a webhook (its stand-in signs with this). */
export function sign${n.pascal}Webhook(secret: string, message: ${n.pascal}SignedMessage): Record<string, string> {
  const timestamp = String((message.at ?? new Date()).getTime());
  const request = { method: 'POST', url: message.url, rawBody: Buffer.from(message.body) };
  return {
    'x-hubspot-signature-v3': signHubspotV3(secret, request, timestamp),
    'x-hubspot-request-timestamp': timestamp,
  };
}
`,
  testSigner: () => ({
    imports: ['hubspotHeaders'],
    expression: 'hubspotHeaders(WEBHOOK_URL, payload, secret)',
  }),
  sampleSigner: (n) =>
    `hubspotHeaders(\`\${stack.config.publicBaseUrl ?? stack.gatewayUrl}/webhooks/${n.name}\`, payload, secrets.${n.name}[0])`,
};

const zendesk: WebhookScheme = {
  like: 'Zendesk',
  envelope: 'plain',
  sandboxSecret: (n) => `sandbox-${n.name}-signing-secret`,
  secretDescription: (n) => `the ${n.title} webhook signing secret (Zendesk's scheme)`,
  testSecrets: (n) => [`new-${n.name}-signing-secret`, `old-${n.name}-signing-secret`],
  signatureFile: (n) => `/**
 * ${n.title} signs its webhooks as Zendesk does: \`X-Zendesk-Webhook-Signature\` = base64 HMAC-SHA256 of
 * timestamp + body, the ISO 8601 timestamp in \`X-Zendesk-Webhook-Signature-Timestamp\`; 5-minute tolerance.
 * Verified by the Zendesk verifier.
 */
import { hmacSha256, SignedRequest } from '../kit/hmac';
import { verifyZendeskSignature } from '../zendesk/signature';

${signedMessage(n)}
export function verify${n.pascal}Signature(req: SignedRequest, secrets: string[], now = Date.now()): void {
  verifyZendeskSignature(req, secrets, now);
}

/** The headers ${n.title} sends with a webhook (its stand-in signs with this). */
export function sign${n.pascal}Webhook(secret: string, message: ${n.pascal}SignedMessage): Record<string, string> {
  const timestamp = (message.at ?? new Date()).toISOString().replace(/\\.\\d{3}Z$/, 'Z');
  return {
    'x-zendesk-webhook-signature': hmacSha256(secret, timestamp + message.body).toString('base64'),
    'x-zendesk-webhook-signature-timestamp': timestamp,
  };
}
`,
  testSigner: () => ({ imports: ['zendeskHeaders'], expression: 'zendeskHeaders(payload, secret)' }),
  sampleSigner: (n) => `zendeskHeaders(payload, secrets.${n.name}[0])`,
};

/** `--webhook <scheme>`: every scheme Switchboard verifies today, and `none`. */
export const WEBHOOK_SCHEMES: Record<string, WebhookScheme | null> = {
  'hmac-sha256': hmacSha256Scheme,
  'standard-webhooks': standardWebhooks,
  stripe,
  github,
  shopify,
  slack,
  'hubspot-v3': hubspotV3,
  zendesk,
  none: null,
};
