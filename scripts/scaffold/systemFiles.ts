/**
 * The files `npm run new-system` writes in src/systems/<name>/: settings, schemas, the connector (two
 * activities over src/http), its stand-in, and with a webhook scheme the verifier, the envelope → events
 * and their tests. The shape of the existing systems (zendesk, mandrill), at their smallest.
 */
import type { SystemNames, WebhookScheme } from './schemes';

export function systemFiles(n: SystemNames, scheme: WebhookScheme | null): Record<string, string> {
  const files: Record<string, string> = {
    'settings.ts': settingsFile(n, scheme),
    'schemas.ts': schemasFile(n, scheme),
    'api.ts': apiFile(n),
    'sandbox.ts': sandboxFile(n, scheme),
    'api.int.test.ts': connectorTestFile(n, scheme),
  };
  if (scheme) {
    files['signature.ts'] = scheme.signatureFile(n);
    files['webhook.ts'] = webhookFile(n, scheme);
    files['webhook.test.ts'] = webhookTestFile(n, scheme);
  }
  return files;
}

function settingsFile(n: SystemNames, scheme: WebhookScheme | null): string {
  const kit = ['credential', 'defineApiSystemSettings'];
  if (scheme) kit.push('webhookSecrets');
  return `/**
 * ${n.title}: its API, the API key sent as a Bearer token.${scheme ? `\n * Its webhooks are signed like ${scheme.like}.` : ''}
 * Scaffolded by npm run new-system: in production, ${n.upper}_BASE_URL and ${n.upper}_API_KEY point it at the
 * real service. Another kind of credential: see the AuthConfig types in src/config.ts (e.g. \`{ type:
 * 'apiKey', in: 'header', name: 'X-Api-Key', value }\`); the stand-in checks the same.
 */
import { ${kit.join(', ')} } from '../kit/settings';

export const ${n.name}Settings = defineApiSystemSettings('${n.name}', '${n.title}', {
  api: { example: 'https://api.${n.name}.example.com', rateLimitPerSecond: 5 },
  auth: (v) => ({ type: 'bearer', token: v.apiKey }),${scheme ? `\n  webhookSecrets: 'webhookSecrets',` : ''}
  settings: {
    apiKey: credential('${n.upper}_API_KEY', 'sandbox-${n.name}-api-key', '${n.title} API key, sent as a Bearer token'),${
      scheme
        ? `
    webhookSecrets: webhookSecrets(
      '${n.upper}_WEBHOOK_SECRETS',
      '${scheme.sandboxSecret(n)}',
      "${scheme.secretDescription(n)}",
    ),`
        : ''
    }
  },
});
`;
}

function schemasFile(n: SystemNames, scheme: WebhookScheme | null): string {
  const envelope = !scheme
    ? ''
    : scheme.envelope === 'standard'
      ? `
/** A webhook, as Standard Webhooks recommends: \`{type, timestamp, data}\`, the message id in \`webhook-id\`. */
export const ${n.name}WebhookSchema = standardWebhookPayload(z.object({ id: ${n.name}RecordIdSchema }).loose());
export type ${n.pascal}Webhook = z.infer<typeof ${n.name}WebhookSchema>;
`
      : `
/** A webhook: \`{id, type, timestamp, data}\`, one event about the record in \`data\`. */
export const ${n.name}WebhookSchema = z
  .object({
    id: z.string().min(1).max(200),
    type: z.string().min(1).max(200),
    timestamp: z.string().optional(),
    data: z.object({ id: ${n.name}RecordIdSchema }).loose(),
  })
  .loose();
export type ${n.pascal}Webhook = z.infer<typeof ${n.name}WebhookSchema>;
`;
  return `/**
 * ${n.title}'s shapes, declared once: its record (what the API answers, what an upsert sends)${scheme ? ',\n * and its webhook envelope' : ''}.
 * Pure zod: the connector, ${scheme ? 'the webhook parser, ' : ''}mappings and the stand-in all read them here.
 * Scaffolded by npm run new-system: a sample record; replace it with the real API's fields.
 */
import { z } from 'zod';${scheme?.envelope === 'standard' ? `\nimport { standardWebhookPayload } from '../standard/schemas';` : ''}

/** A record id: it goes into URL paths and workflow ids, so it is checked strictly. */
export const ${n.name}RecordIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and -, at most 64 characters');

/** What an upsert sends (PUT /v1/records/{id}). */
export const ${n.name}RecordInputSchema = z.object({
  id: ${n.name}RecordIdSchema,
  name: z.string().min(1).max(200),
  email: z.email().optional(),
});
export type ${n.pascal}RecordInput = z.infer<typeof ${n.name}RecordInputSchema>;

/** A record as ${n.title} answers it; fields Switchboard does not read are kept. */
export const ${n.name}RecordSchema = ${n.name}RecordInputSchema.extend({ updated_at: z.string() }).loose();
export type ${n.pascal}Record = z.infer<typeof ${n.name}RecordSchema>;
${envelope}`;
}

function apiFile(n: SystemNames): string {
  return `/**
 * ${n.title}'s API: records, read and upserted (GET and PUT /v1/records/{id}), the API key as a Bearer token.
 * Scaffolded by npm run new-system: the paths and the record stand for the real API's; change them here,
 * in schemas.ts and in the stand-in (sandbox.ts) together. The HTTP layer (src/http) does the rest: base
 * URL and credential from config, timeout, Idempotency-Key on writes, error classification.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import type { HttpClient } from '../../http/client';
import { firstZodIssue } from '../kit/zodIssue';
import {
  ${n.pascal}Record,
  ${n.pascal}RecordInput,
  ${n.name}RecordIdSchema,
  ${n.name}RecordInputSchema,
  ${n.name}RecordSchema,
} from './schemas';

/** A bad record or id is a mapping bug or bad data: refused at once, since no retry can fix it. */
function invalid(what: string, error: z.ZodError): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    \`invalid ${n.title} \${what}: \${firstZodIssue(error, what)}\`,
    'InvalidInputError',
  );
}

export function create${n.pascal}Activities(http: HttpClient) {
  const recordPath = (id: string) => {
    const parsed = ${n.name}RecordIdSchema.safeParse(id);
    if (!parsed.success) throw invalid('record id', parsed.error);
    return \`/v1/records/\${encodeURIComponent(parsed.data)}\`;
  };

  return {
    /** The record as it is now, or null when ${n.title} has none with this id. */
    async get${n.pascal}Record(id: string): Promise<${n.pascal}Record | null> {
      return http.request('${n.name}', {
        method: 'GET',
        path: recordPath(id),
        schema: ${n.name}RecordSchema,
        nullOn: [404],
      });
    },

    /** Creates or replaces the record (PUT by id): repeating it changes nothing. */
    async upsert${n.pascal}Record(record: ${n.pascal}RecordInput): Promise<${n.pascal}Record> {
      const parsed = ${n.name}RecordInputSchema.safeParse(record);
      if (!parsed.success) throw invalid('record', parsed.error);
      const { id, ...fields } = parsed.data;
      return http.request('${n.name}', {
        method: 'PUT',
        path: recordPath(id),
        json: fields,
        schema: ${n.name}RecordSchema,
      });
    },
  };
}
`;
}

function sandboxFile(n: SystemNames, scheme: WebhookScheme | null): string {
  const webhook = scheme
    ? `

  /** Posts a signed webhook about the record to the gateway, as ${n.title} would; returns the answer. */
  async sendWebhook(type: string, record: ${n.pascal}Record, id = \`evt_\${randomUUID()}\`) {
    const url = this.opts.webhookUrl();
    if (!url || !this.opts.webhookSecret) throw new Error('no webhook target or secret for the ${n.title} sandbox');
    const body = JSON.stringify(${
      scheme.envelope === 'standard'
        ? '{ type, timestamp: new Date().toISOString(), data: record }'
        : '{ id, type, timestamp: new Date().toISOString(), data: record }'
    });
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sign${n.pascal}Webhook(this.opts.webhookSecret, { url, id, body }) },
      body,
    });
    this.webhooksSent.push({ type, id, status: res.status });
    return { status: res.status, body: (await res.json().catch(() => undefined)) as unknown, id };
  }`
    : '';
  return `/**
 * ${n.title} stand-in: its records API under /${n.name} (GET and PUT /v1/records/{id}, the API key as a Bearer
 * token, its errors as \`{ error, message }\`)${scheme ? `,\n * and the sender of its webhooks, signed like ${scheme.like}` : ''}.
 * Control endpoints for tests and the demo (not ${n.title}'s API) under /_sandbox/${n.name}: read a record, and
 * change one as a user would${scheme ? ' (which sends the `record.updated` webhook when a gateway is set)' : ''}.
 */
${scheme ? "import { randomUUID } from 'node:crypto';\n" : ''}import express, { Response, Router } from 'express';
import { firstZodIssue } from '../kit/zodIssue';
import { ${n.pascal}Record, ${n.pascal}RecordInput, ${n.name}RecordInputSchema } from './schemas';${
    scheme ? `\nimport { sign${n.pascal}Webhook } from './signature';` : ''
  }

export interface ${n.pascal}SandboxOptions {
  apiKey: string;${
    scheme
      ? `
  webhookSecret: string | undefined;
  webhookUrl: () => string | undefined;`
      : ''
  }
}

const fail = (res: Response, status: number, error: string, message: string) =>
  res.status(status).json({ error, message });

export class ${n.pascal}Sandbox {
  readonly records = new Map<string, ${n.pascal}Record>();${
    scheme ? `\n  readonly webhooksSent: { type: string; id: string; status: number }[] = [];` : ''
  }

  constructor(private readonly opts: ${n.pascal}SandboxOptions) {}

  /** Creates or replaces a record, as the API's PUT does. */
  saveRecord(input: ${n.pascal}RecordInput): ${n.pascal}Record {
    const record: ${n.pascal}Record = { ...input, updated_at: new Date().toISOString() };
    this.records.set(record.id, record);
    return record;
  }${webhook}

  router(): Router {
    const router = Router();
    router.use((req, res, next) => {
      if (req.get('authorization') !== \`Bearer \${this.opts.apiKey}\`) {
        fail(res, 401, 'unauthorized', 'invalid API key');
        return;
      }
      next();
    });
    router.use(express.json());
    router.get('/v1/records/:id', (req, res) => {
      const record = this.records.get(req.params.id);
      if (!record) fail(res, 404, 'not_found', \`no record \${req.params.id}\`);
      else res.json(record);
    });
    router.put('/v1/records/:id', (req, res) => {
      const parsed = ${n.name}RecordInputSchema.safeParse({ ...(req.body as object), id: req.params.id });
      if (!parsed.success) fail(res, 400, 'invalid_record', firstZodIssue(parsed.error, 'record'));
      else res.json(this.saveRecord(parsed.data));
    });
    return router;
  }

  /** Control endpoints for tests and the demo (not part of ${n.title}'s API). */
  controlRouter(): Router {
    const router = Router();
    router.use(express.json());
    router.get('/records/:id', (req, res) => {
      const record = this.records.get(req.params.id);
      if (!record) res.status(404).json({ error: 'no such record' });
      else res.json({ record });
    });
    /** Changes a record as a user would in ${n.title}${scheme ? ', and sends its webhook when a gateway is set' : ''}. */
    router.put('/records/:id', ${scheme ? 'async ' : ''}(req, res) => {
      const parsed = ${n.name}RecordInputSchema.safeParse({ ...(req.body as object), id: req.params.id });
      if (!parsed.success) {
        res.status(400).json({ error: firstZodIssue(parsed.error, 'record') });
        return;
      }
      const record = this.saveRecord(parsed.data);${
        scheme
          ? `
      const webhook = this.opts.webhookUrl() ? await this.sendWebhook('record.updated', record) : undefined;
      res.json({ record, webhook });`
          : `
      res.json({ record });`
      }
    });
    return router;
  }
}
`;
}

function webhookFile(n: SystemNames, scheme: WebhookScheme): string {
  const toEvents =
    scheme.envelope === 'standard'
      ? `toEvents: (body, req) => [standardWebhookEvent('${n.name}', body, req, body.data.id)],`
      : `toEvents: (body) => {
    const sent = body.timestamp === undefined ? NaN : Date.parse(body.timestamp);
    return [
      {
        source: '${n.name}',
        eventId: body.id,
        eventType: body.type,
        recordId: body.data.id,
        occurredAt: Number.isFinite(sent) ? sent : Date.now(),
        payload: body,
      },
    ];
  },`;
  return `/**
 * ${n.title}'s webhooks: ${
   scheme.envelope === 'standard'
     ? '`{type, timestamp, data}` (the message id, the same on every retry, in `webhook-id`)'
     : '`{id, type, timestamp, data}` (the id is the same on every retry)'
 },
 * one event about the record in \`data\`, signed like ${scheme.like} (./signature.ts).
 */
${scheme.envelope === 'standard' ? `import { standardWebhookEvent } from '../standard/webhook';\n` : ''}import type { WebhookSourceDefinition } from '../kit/webhookSource';
import { ${n.name}WebhookSchema } from './schemas';
import { verify${n.pascal}Signature } from './signature';

export const ${n.name}Source: WebhookSourceDefinition<typeof ${n.name}WebhookSchema> = {
  name: '${n.name}',
  verify: (req, config) => verify${n.pascal}Signature(req, config.webhookSecrets.${n.name}),
  envelope: ${n.name}WebhookSchema,
  ${toEvents}
};
`;
}

function webhookTestFile(n: SystemNames, scheme: WebhookScheme): string {
  const [secret, other] = scheme.testSecrets(n);
  const signer = scheme.testSigner(n);
  const standard = scheme.envelope === 'standard';
  const fromSignature = [signer.fromSignature, `sign${n.pascal}Webhook`].filter(Boolean).join(', ');
  return `/** ${n.title}'s webhooks: signed as senders of its scheme sign them (test/helpers/webhookSigning.ts), verified, parsed. */
import { WEBHOOK_SOURCES } from '../webhooks';
import type { SignedRequest } from '../kit/hmac';
import { loadConfig } from '../../config';
import { ${['Headers', ...signer.imports, 'verdict'].join(', ')} } from '../../../test/helpers/webhookSigning';
import { ${fromSignature} } from './signature';

const SECRET = '${secret}';
const OTHER = '${other}';
const WEBHOOK_URL = 'https://hooks.example.com/webhooks/${n.name}';
const MESSAGE_ID = 'msg_${n.name}_1';
const body = JSON.stringify({
  ${standard ? '' : "id: 'evt_1',\n  "}type: 'record.updated',
  timestamp: new Date().toISOString(),
  data: { id: 'rec-1', name: 'Ada Lovelace' },
});

const sign = (payload: string, secret: string): Headers => ${signer.expression};
const request = (headers: Headers, rawBody = body): SignedRequest => ({
  method: 'POST',
  url: WEBHOOK_URL,
  headers,
  rawBody: Buffer.from(rawBody),
});
const verify = (secrets: string, headers: Headers, rawBody = body) =>
  verdict(() =>
    WEBHOOK_SOURCES.${n.name}.verify(
      request(headers, rawBody),
      loadConfig({ SWITCHBOARD_SANDBOX: 'true', ${n.upper}_WEBHOOK_SECRETS: secrets }),
    ),
  );

test('a request signed as ${scheme.like} signs it verifies, with either secret during a rotation', () => {
  expect(verify(SECRET, sign(body, SECRET))).toBe('ok');
  expect(verify(\`\${OTHER},\${SECRET}\`, sign(body, SECRET))).toBe('ok');
  expect(verify(\`\${OTHER},\${SECRET}\`, sign(body, OTHER))).toBe('ok');
});

test('a tampered body, a secret no longer configured or a missing signature is refused', () => {
  expect(verify(SECRET, sign(body, SECRET), body.replace('Ada Lovelace', 'Eve'))).toBe('invalid_signature');
  expect(verify(SECRET, sign(body, OTHER))).toBe('invalid_signature');
  expect(verify(SECRET, {})).toBe('missing_signature');
});

test('the stand-in signs its webhooks the way the verifier checks them', () => {
  expect(verify(SECRET, sign${n.pascal}Webhook(SECRET, { url: WEBHOOK_URL, id: MESSAGE_ID, body }))).toBe('ok');
});

test('the envelope is one event about the record in data; a malformed record id is refused', () => {
  const source = WEBHOOK_SOURCES.${n.name};
  const events = source.toEvents(source.envelope.parse(JSON.parse(body)), request(sign(body, SECRET)));
  expect(events).toEqual([
    expect.objectContaining({
      source: '${n.name}',
      eventId: ${standard ? 'MESSAGE_ID' : "'evt_1'"},
      eventType: 'record.updated',
      recordId: 'rec-1',
    }),
  ]);
  const malformed = { ...JSON.parse(body), data: { id: '../rec-1' } };
  expect(source.envelope.safeParse(malformed).success).toBe(false);
});
`;
}

function connectorTestFile(n: SystemNames, scheme: WebhookScheme | null): string {
  const webhookTest = scheme
    ? `

test('a record changed in the stand-in is sent as a webhook its verifier accepts', async () => {
  const received: { path: string; headers: Record<string, string>; body: string }[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers as Record<string, string>, body });
      res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const gatewayUrl = \`http://127.0.0.1:\${(receiver.address() as { port: number }).port}\`;
  env.sandbox.setGatewayUrl(gatewayUrl);
  try {
    const id = newId();
    const res = await fetch(\`\${env.sandbox.url}/_sandbox/${n.name}/records/\${id}\`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Hedy Lamarr' }),
    });
    expect(res.status).toBe(200);
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery.path).toBe('/webhooks/${n.name}');
    const signed = {
      method: 'POST',
      url: gatewayUrl + delivery.path,
      headers: delivery.headers,
      rawBody: Buffer.from(delivery.body),
    };
    expect(() => ${n.name}Source.verify(signed, env.config)).not.toThrow();
    const events = ${n.name}Source.toEvents(${n.name}Source.envelope.parse(JSON.parse(delivery.body)), signed);
    expect(events).toEqual([
      expect.objectContaining({ source: '${n.name}', eventType: 'record.updated', recordId: id }),
    ]);
  } finally {
    receiver.closeAllConnections();
    receiver.close();
  }
});`
    : '';
  return `/** Contract: the ${n.title} connector against its stand-in (Bearer auth, records read and upserted, its errors). */
${scheme ? "import { createServer } from 'node:http';\n" : ''}import { MockActivityEnvironment } from '@temporalio/testing';
import { create${n.pascal}Activities } from './api';${scheme ? `\nimport { ${n.name}Source } from './webhook';` : ''}
import { HttpClient } from '../../http/client';
import { loadConfig } from '../../config';
import { ConnectorSandbox, startConnectorSandbox } from '../../../test/helpers/connectorSandbox';

let env: ConnectorSandbox;
let ${n.name}: ReturnType<typeof create${n.pascal}Activities>;
beforeAll(async () => {
  env = await startConnectorSandbox();
  ${n.name} = create${n.pascal}Activities(env.http);
});
afterAll(async () => {
  await env?.sandbox.close();
});

let seq = 0;
const newId = () => \`rec-\${Date.now()}-\${++seq}\`;

test('upserts a record and reads it back, the API key sent as a Bearer token', async () => {
  const id = newId();
  const saved = await ${n.name}.upsert${n.pascal}Record({ id, name: 'Ada Lovelace', email: 'ada@example.com' });
  expect(saved).toMatchObject({ id, name: 'Ada Lovelace', email: 'ada@example.com' });
  await expect(${n.name}.get${n.pascal}Record(id)).resolves.toEqual(saved);
  expect(env.sandbox.${n.name}.records.get(id)).toEqual(saved);
  const put = env.sandbox.recorders.${n.name}.requests.find((r) => r.method === 'PUT' && r.path === \`/v1/records/\${id}\`);
  expect(put).toMatchObject({ authorized: true, status: 200 });
});

test('a retried upsert (the same activity) carries the same Idempotency-Key', async () => {
  const activity = new MockActivityEnvironment();
  const id = newId();
  await activity.run(() => ${n.name}.upsert${n.pascal}Record({ id, name: 'Grace Hopper' }));
  await activity.run(() => ${n.name}.upsert${n.pascal}Record({ id, name: 'Grace Hopper' }));
  const keys = env.sandbox.recorders.${n.name}.requests
    .filter((r) => r.path === \`/v1/records/\${id}\`)
    .map((r) => r.idempotencyKey);
  expect(keys).toEqual([expect.any(String), keys[0]]);
});

test('a record ${n.title} does not have is null', async () => {
  await expect(${n.name}.get${n.pascal}Record('no-such-record')).resolves.toBeNull();
});

test('a bad record or id is refused before any request, for good', async () => {
  const before = env.sandbox.recorders.${n.name}.requests.length;
  const refused = { type: 'InvalidInputError', nonRetryable: true };
  await expect(${n.name}.upsert${n.pascal}Record({ id: 'a/b', name: 'x' })).rejects.toMatchObject(refused);
  await expect(${n.name}.upsert${n.pascal}Record({ id: 'ok', name: '' })).rejects.toMatchObject(refused);
  await expect(${n.name}.get${n.pascal}Record('../admin')).rejects.toMatchObject(refused);
  expect(env.sandbox.recorders.${n.name}.requests.length).toBe(before);
});

test("a wrong API key fails fast with ${n.title}'s message, the key kept out of it", async () => {
  const wrong = loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    SANDBOX_PORT: String(env.sandbox.port),
    ${n.upper}_API_KEY: 'wrong-${n.name}-key',
  });
  const bad = create${n.pascal}Activities(new HttpClient({ systems: wrong.systems }));
  const err = await bad.get${n.pascal}Record('rec-1').catch((e: unknown) => e);
  expect(err).toMatchObject({ type: 'ApiRequestError', nonRetryable: true });
  expect((err as Error).message).toContain('401: invalid API key');
  expect((err as Error).message).not.toContain('wrong-${n.name}-key');
});

test('a 5xx from ${n.title} is retryable (the stand-in injects it)', async () => {
  env.sandbox.faults.${n.name}.set({ errors: { count: 1, status: 503 } });
  const err = await ${n.name}.get${n.pascal}Record('rec-1').catch((e: unknown) => e);
  expect(err).toMatchObject({ type: 'ApiUnavailableError', nonRetryable: false });
  await expect(${n.name}.get${n.pascal}Record('rec-1')).resolves.toBeNull();
});${webhookTest}
`;
}
