/** A sandbox and an HttpClient pointed at it, for connector contract tests (no Temporal needed). */
import { HttpClient } from '../../src/http/client';
import { Config, loadConfig } from '../../src/config';
import { freePort } from '../../src/runtime/devServer';
import { Sandbox, startSandbox } from '../../src/sandbox/server';
import { startForFile, viewOf } from './fileScoped';
import { failureOf, json, startLocalApi } from './localApi';

export interface ConnectorSandbox {
  config: Config;
  sandbox: Sandbox;
  http: HttpClient;
  /** A client whose credentials for every system are wrong, to check the real 401 shapes. */
  badHttp: HttpClient;
}

/** The credentials of `badHttp`: a test checks that none of them shows in an error. */
export const BAD_CREDENTIALS = {
  HUBSPOT_ACCESS_TOKEN: 'wrong-token',
  MAILCHIMP_API_KEY: 'wrong-key-us1',
  MANDRILL_API_KEY: 'md-wrong-key',
  SLACK_BOT_TOKEN: 'xoxb-wrong',
  STRIPE_SECRET_KEY: 'sk_test_wrongwrongwrong',
  SHOPIFY_ACCESS_TOKEN: 'shpat_wrong',
  ZENDESK_API_TOKEN: 'wrong-zendesk-token',
  SHIPBOB_CLIENT_SECRET: 'not-the-secret',
};

export async function startConnectorSandbox(env: Record<string, string> = {}): Promise<ConnectorSandbox> {
  const port = await freePort();
  const config = loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    SANDBOX_PORT: String(port),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const sandbox = await startSandbox({ port, config });
  const bad = loadConfig({ SWITCHBOARD_SANDBOX: 'true', SANDBOX_PORT: String(port), ...BAD_CREDENTIALS });
  return {
    config,
    sandbox,
    http: new HttpClient({ systems: config.systems }),
    badHttp: new HttpClient({ systems: bad.systems }),
  };
}

export interface UsedConnectorSandbox extends ConnectorSandbox {
  /** A connector's activities on `http`, made once the sandbox has started (use them inside tests). */
  activities<A extends object>(create: (http: HttpClient) => A): A;
}

/**
 * The sandbox of a test file: started before its tests and closed after them. Its fields are read inside
 * tests (they throw before the sandbox has started).
 */
export function useConnectorSandbox(env: Record<string, string> = {}): UsedConnectorSandbox {
  const current = startForFile(
    'the connector sandbox',
    () => startConnectorSandbox(env),
    (started) => started.sandbox.close(),
  );
  return viewOf(current, {
    activities<A extends object>(create: (http: HttpClient) => A): A {
      // Filled in place, so the file can name the object at load time.
      const activities = {} as A;
      beforeAll(() => {
        Object.assign(activities, create(current().http));
      });
      return activities;
    },
  });
}

/**
 * How a call made with `badHttp` must fail: an ApplicationFailure of `type`, final (no retry fixes a
 * credential), whose message says `says` and shows none of the bad credentials.
 */
export async function expectRefusal(
  call: Promise<unknown>,
  type: string,
  says: string | RegExp,
): Promise<void> {
  const failure = await failureOf(call);
  expect(failure).toMatchObject({ type, nonRetryable: true });
  expect(failure.message).toMatch(says);
  for (const credential of Object.values(BAD_CREDENTIALS)) expect(failure.message).not.toContain(credential);
}

export interface CaughtWebhook {
  headers: Record<string, string>;
  body: string;
}

/**
 * Points the sandbox's outgoing webhooks at a local server that records them and answers `status`;
 * `close` points them back where they went before.
 */
export async function catchWebhooks(
  sandbox: Sandbox,
  status: number,
): Promise<{ received(): CaughtWebhook[]; close(): Promise<void> }> {
  const receiver = await startLocalApi();
  receiver.handle((_req, res) => json(res, status, {}));
  const previous = sandbox.gatewayUrl();
  sandbox.setGatewayUrl(receiver.url);
  return {
    received: () =>
      receiver.requests.map((r) => ({ headers: r.headers as Record<string, string>, body: r.body })),
    async close() {
      sandbox.setGatewayUrl(previous ?? '');
      await receiver.close();
    },
  };
}
