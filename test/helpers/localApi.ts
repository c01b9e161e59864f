/**
 * A real HTTP server on a loopback port whose answer each test sets, for unit tests of the HTTP layer:
 * the client under test speaks real HTTP (headers, bodies, dropped sockets), no fetch mock involved.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { ApplicationFailure } from '@temporalio/common';
import { Config, loadConfig } from '../../src/config';
import { SYSTEMS } from '../../src/systems/index';

export interface ReceivedRequest {
  at: number;
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export type Handler = (req: ReceivedRequest, res: ServerResponse) => void | Promise<void>;

export interface LocalApi {
  url: string;
  requests: ReceivedRequest[];
  /** Requests whose client went away before an answer (aborted, timed out). */
  abandoned: ReceivedRequest[];
  handle(handler: Handler): void;
  close(): Promise<void>;
}

export async function startLocalApi(): Promise<LocalApi> {
  let handler: Handler = (_req, res) => void res.writeHead(404).end();
  const requests: ReceivedRequest[] = [];
  const abandoned: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = {
        at: Date.now(),
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      requests.push(received);
      res.on('close', () => {
        if (!res.writableFinished) abandoned.push(received);
      });
      void Promise.resolve(handler(received, res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    requests,
    abandoned,
    handle: (h) => (handler = h),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * A sandbox-mode configuration whose every system calls `api` (at `<url>/<system>`, ShipBob's OAuth2
 * token at `<url>/oauth/token`), with `env` on top: the credentials and limits under test.
 */
export function configCalling(api: LocalApi, env: Record<string, string> = {}): Config {
  return loadConfig({
    SWITCHBOARD_SANDBOX: 'true',
    LOG_LEVEL: 'silent',
    ...Object.fromEntries(
      SYSTEMS.map((system) => [`${system.toUpperCase()}_BASE_URL`, `${api.url}/${system}`]),
    ),
    SHIPBOB_TOKEN_URL: `${api.url}/oauth/token`,
    ...env,
  });
}

/** Answers JSON with a status and headers. */
export function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/** The ApplicationFailure a call rejects with (fails the test if it resolves or throws anything else). */
export async function failureOf(call: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}
