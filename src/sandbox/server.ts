/**
 * The sandbox: local stand-ins of the external SaaS APIs, one process, one port. Each system lives under
 * its own prefix (`/hubspot`, `/mailchimp`…), so a connector's base URL is the only thing that differs
 * from the real service. Control endpoints for tests and the demo live under `/_sandbox/<system>`; every
 * system has fault injection in front of its API (`/_sandbox/<system>/faults`, see ./faults). A
 * Slack-compatible incoming webhook at `/alerts/hook` receives the run-failure alerts
 * (`GET /_sandbox/alerts/messages`).
 */
import type { Server } from 'node:http';
import express, { Router } from 'express';
import type { AuthConfig, Config } from '../config';
import { AlertReceiver } from './alerts';
import { ERROR_BODIES, FaultInjector } from './faults';
import { GithubSandbox } from '../systems/github/sandbox';
import { HubspotSandbox } from '../systems/hubspot/sandbox';
import { MailchimpSandbox } from '../systems/mailchimp/sandbox';
import { MandrillSandbox } from '../systems/mandrill/sandbox';
import { ShipbobSandbox } from '../systems/shipbob/sandbox';
import { ShopifySandbox } from '../systems/shopify/sandbox';
import { ZendeskSandbox } from '../systems/zendesk/sandbox';
import { RequestRecorder } from './recorder';
import { DEFAULT_SLACK_CHANNELS, SlackSandbox } from '../systems/slack/sandbox';
import { StripeSandbox } from '../systems/stripe/sandbox';

/** One stand-in system: its API under /<name>, its control endpoints under /_sandbox/<name>. */
export interface SandboxSystem {
  name: string;
  router(): Router;
  controlRouter?(): Router;
}

export interface SandboxOptions {
  port: number; // 0 = any free port
  config: Config;
  /**
   * Added to every minted id (orders, tickets…). Tests give each sandbox its own, since test files in one
   * Jest worker share a Temporal namespace and workflow ids are made from these ids. 0 for the demo.
   */
  idOffset?: number;
  /** The gateway's base URL, where the sandbox delivers webhooks; may be set after start. */
  gatewayUrl?: string;
}

export interface Sandbox {
  url: string;
  port: number;
  hubspot: HubspotSandbox;
  mailchimp: MailchimpSandbox;
  slack: SlackSandbox;
  stripe: StripeSandbox;
  shopify: ShopifySandbox;
  shipbob: ShipbobSandbox;
  zendesk: ZendeskSandbox;
  mandrill: MandrillSandbox;
  github: GithubSandbox;
  recorders: Record<string, RequestRecorder>;
  faults: Record<string, FaultInjector>;
  alerts: AlertReceiver;
  /** The Slack-compatible incoming-webhook URL of the alert receiver. */
  alertWebhookUrl: string;
  gatewayUrl(): string | undefined;
  setGatewayUrl(url: string): void;
  close(): Promise<void>;
}

/** The credential a stand-in expects: the same value the connector is configured to send. */
export function expectedCredential(auth: AuthConfig): string {
  if (auth.type === 'basic') return auth.password;
  if (auth.type === 'bearer') return auth.token;
  if (auth.type === 'apiKey') return auth.value;
  throw new Error(`no single credential for auth type ${auth.type}`);
}

/**
 * The Slack channels the stand-in knows: its defaults plus every channel a setting names (`#engineering`
 * for a new integration), so a new integration's channel exists without editing the stand-in. Any other
 * channel is still `channel_not_found`, as in Slack.
 */
export function slackChannelsIn(config: Config): string[] {
  const found = new Set(DEFAULT_SLACK_CHANNELS);
  const walk = (value: unknown): void => {
    if (typeof value === 'string' && /^#[a-z0-9][a-z0-9_-]*$/.test(value)) found.add(value.slice(1));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(config);
  return [...found];
}

export async function startSandbox(opts: SandboxOptions): Promise<Sandbox> {
  let gatewayUrl = opts.gatewayUrl;
  const { systems, webhookSecrets } = opts.config;
  const hubspot = new HubspotSandbox({
    accessToken: expectedCredential(systems.hubspot.auth),
    clientSecret: webhookSecrets.hubspot[0],
    webhookUrl: () => gatewayUrl && `${gatewayUrl}/webhooks/hubspot`,
  });
  const mailchimp = new MailchimpSandbox({ apiKey: expectedCredential(systems.mailchimp.auth) });
  const slack = new SlackSandbox({
    botToken: expectedCredential(systems.slack.auth),
    channels: slackChannelsIn(opts.config),
  });
  const stripe = new StripeSandbox({
    secretKey: expectedCredential(systems.stripe.auth),
    webhookSecret: webhookSecrets.stripe[0],
    webhookUrl: () => gatewayUrl && `${gatewayUrl}/webhooks/stripe`,
  });
  const shopify = new ShopifySandbox({
    accessToken: expectedCredential(systems.shopify.auth),
    webhookSecret: webhookSecrets.shopify[0],
    webhookUrl: () => gatewayUrl && `${gatewayUrl}/webhooks/shopify`,
  });
  const shipbobAuth = systems.shipbob.auth;
  if (shipbobAuth.type !== 'oauth2ClientCredentials') throw new Error('the ShipBob sandbox speaks OAuth2');
  const shipbob = new ShipbobSandbox({
    clientId: shipbobAuth.clientId,
    clientSecret: shipbobAuth.clientSecret,
    webhookSecret: webhookSecrets.shipbob[0],
    webhookUrl: () => gatewayUrl && `${gatewayUrl}/webhooks/shipbob`,
    channelIds: [Number(opts.config.orderFulfillment.shipbobChannelId)],
  });
  const zendeskAuth = systems.zendesk.auth;
  const zendesk = new ZendeskSandbox({
    username: zendeskAuth.type === 'basic' ? zendeskAuth.username : '',
    apiToken: expectedCredential(zendeskAuth),
    signingSecret: webhookSecrets.zendesk[0],
    webhookUrl: () => gatewayUrl && `${gatewayUrl}/webhooks/zendesk`,
  });
  const mandrill = new MandrillSandbox({ apiKey: expectedCredential(systems.mandrill.auth) });
  const github = new GithubSandbox({
    webhookSecret: webhookSecrets.github[0],
    webhookUrl: () => gatewayUrl && `${gatewayUrl}/webhooks/github`,
  });

  for (const standIn of [hubspot, shopify, shipbob, zendesk, github]) standIn.offsetIds(opts.idOffset ?? 0);

  // Every stand-in, registered once: add a system here and it gets its recorder and routes.
  const standIns: SandboxSystem[] = [
    { name: 'hubspot', router: () => hubspot.router(), controlRouter: () => hubspot.controlRouter() },
    { name: 'mailchimp', router: () => mailchimp.router(), controlRouter: () => mailchimp.controlRouter() },
    { name: 'slack', router: () => slack.router(), controlRouter: () => slack.controlRouter() },
    { name: 'stripe', router: () => stripe.router(), controlRouter: () => stripe.controlRouter() },
    { name: 'shopify', router: () => shopify.router(), controlRouter: () => shopify.controlRouter() },
    { name: 'shipbob', router: () => shipbob.router(), controlRouter: () => shipbob.controlRouter() },
    { name: 'zendesk', router: () => zendesk.router(), controlRouter: () => zendesk.controlRouter() },
    { name: 'mandrill', router: () => mandrill.router(), controlRouter: () => mandrill.controlRouter() },
    { name: 'github', router: () => github.router(), controlRouter: () => github.controlRouter() },
  ];

  const app = express();
  app.disable('x-powered-by');
  const recorders: Record<string, RequestRecorder> = {};
  const faults: Record<string, FaultInjector> = {};
  for (const system of standIns) {
    const recorder = (recorders[system.name] = new RequestRecorder());
    const injector = (faults[system.name] = new FaultInjector(system.name, ERROR_BODIES[system.name]));
    app.use(
      `/${system.name}`,
      // Above body-parser's 100 kB default: a Mailchimp batch of 500 members is bigger than that.
      express.json({ limit: '4mb' }),
      express.urlencoded({ extended: true }),
      // Recorded first, so what a test reads includes the requests the faults answered.
      recorder.middleware(),
      injector.middleware(),
      system.router(),
    );
    app.use(`/_sandbox/${system.name}/faults`, injector.controlRouter());
    if (system.controlRouter) app.use(`/_sandbox/${system.name}`, express.json(), system.controlRouter());
  }
  const alerts = new AlertReceiver();
  app.use('/alerts', alerts.router());
  app.use('/_sandbox/alerts', alerts.controlRouter());
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
    slack,
    stripe,
    shopify,
    shipbob,
    zendesk,
    mandrill,
    github,
    recorders,
    faults,
    alerts,
    alertWebhookUrl: `http://127.0.0.1:${port}/alerts/hook`,
    gatewayUrl: () => gatewayUrl,
    setGatewayUrl: (url) => (gatewayUrl = url),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
