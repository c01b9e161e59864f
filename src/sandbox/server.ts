/**
 * The sandbox: local stand-ins of the external SaaS APIs, one process, one port. Each system lives under
 * its own prefix (`/hubspot`, `/mailchimp`…), so a connector's base URL is the only thing that differs
 * from the real service. Control endpoints for tests and the demo live under `/_sandbox/<system>`.
 */
import type { Server } from 'node:http';
import express from 'express';
import type { Config } from '../config';
import { HubspotSandbox } from './hubspot';
import { MailchimpSandbox } from './mailchimp';
import { RequestRecorder } from './recorder';

export interface SandboxOptions {
  port: number; // 0 = any free port
  config: Config;
  /** The gateway's base URL, where the sandbox delivers webhooks; may be set after start. */
  gatewayUrl?: string;
}

export interface Sandbox {
  url: string;
  port: number;
  hubspot: HubspotSandbox;
  mailchimp: MailchimpSandbox;
  recorders: Record<string, RequestRecorder>;
  setGatewayUrl(url: string): void;
  close(): Promise<void>;
}

function password(auth: Config['systems'][keyof Config['systems']]['auth']): string {
  if (auth.type === 'basic') return auth.password;
  if (auth.type === 'bearer') return auth.token;
  throw new Error(`sandbox cannot stand in for auth type ${auth.type}`);
}

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  let gatewayUrl = opts.gatewayUrl;
  const { systems, webhookSecrets } = opts.config;
  const hubspot = new HubspotSandbox({
    accessToken: password(systems.hubspot.auth),
    clientSecret: webhookSecrets.hubspot[0],
    webhookUrl: () => gatewayUrl && `${gatewayUrl}/webhooks/hubspot`,
  });
  const mailchimp = new MailchimpSandbox({ apiKey: password(systems.mailchimp.auth) });
  const recorders: Record<string, RequestRecorder> = {
    hubspot: new RequestRecorder(),
    mailchimp: new RequestRecorder(),
  };

  const app = express();
  app.disable('x-powered-by');
  app.use('/hubspot', express.json(), recorders.hubspot.middleware(), hubspot.router());
  app.use('/mailchimp', express.json(), recorders.mailchimp.middleware(), mailchimp.router());
  app.use('/_sandbox/hubspot', hubspot.controlRouter());
  app.use('/_sandbox/mailchimp', mailchimp.controlRouter());
  app.get('/_sandbox/:system/requests', (req, res) => {
    res.json(recorders[req.params.system]?.requests ?? []);
  });

  const server: Server = await new Promise((resolve) => {
    const s = app.listen(opts.port, '127.0.0.1', () => resolve(s));
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hubspot,
    mailchimp,
    recorders,
    setGatewayUrl: (url) => (gatewayUrl = url),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
