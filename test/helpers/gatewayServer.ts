/**
 * The gateway app on a loopback port for the tests of one file, in front of a Temporal client the file
 * provides (a stand-in that records or refuses calls): no dev server, no workers.
 */
import { createServer, Server } from 'node:http';
import type { Client } from '@temporalio/client';
import { createApp } from '../../src/gateway/app';
import type { Config } from '../../src/config';
import { startForFile } from './fileScoped';
import { silentLogger } from './stack';

/** Listens before the file's tests and closes after them; the function returns the server (inside a test). */
export function useGatewayServer(config: Config, client: Client): () => Server {
  return startForFile(
    'the gateway server',
    async () => {
      const server = createServer(createApp({ config, client, logger: silentLogger }));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    },
    (server) => new Promise<void>((resolve) => server.close(() => resolve())),
  );
}
