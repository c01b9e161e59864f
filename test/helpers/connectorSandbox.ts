/** A sandbox and an HttpClient pointed at it, for connector contract tests (no Temporal needed). */
import { HttpClient } from '../../src/http/client';
import { Config, loadConfig } from '../../src/config';
import { freePort } from '../../src/runtime/devServer';
import { Sandbox, startSandbox } from '../../src/sandbox/server';

export interface ConnectorSandbox {
  config: Config;
  sandbox: Sandbox;
  http: HttpClient;
  /** A client whose credentials for every system are wrong, to check the real 401 shapes. */
  badHttp: HttpClient;
}

export async function startConnectorSandbox(env: Record<string, string> = {}): Promise<ConnectorSandbox> {
  const port = await freePort();
  const config = loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    SANDBOX_PORT: String(port),
    LOG_LEVEL: 'silent',
    ...env,
  });
  const sandbox = await startSandbox({ port, config });
  const bad = loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    SANDBOX_PORT: String(port),
    HUBSPOT_ACCESS_TOKEN: 'wrong-token',
    MAILCHIMP_API_KEY: 'wrong-key-us1',
    SLACK_BOT_TOKEN: 'xoxb-wrong',
    STRIPE_SECRET_KEY: 'sk_test_wrongwrongwrong',
  });
  return {
    config,
    sandbox,
    http: new HttpClient({ systems: config.systems }),
    badHttp: new HttpClient({ systems: bad.systems }),
  };
}
