/** Connection settings from config: a local dev server, or any Temporal (incl. Cloud with TLS/API key). */
import { readFileSync } from 'node:fs';
import { Client, Connection, ConnectionOptions } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../config';
import { dataConverter } from './dataConverter';

export function connectionOptions(temporal: Config['temporal'], address: string): ConnectionOptions {
  const mtls =
    temporal.clientCertPath && temporal.clientKeyPath
      ? {
          clientCertPair: {
            crt: readFileSync(temporal.clientCertPath),
            key: readFileSync(temporal.clientKeyPath),
          },
        }
      : undefined;
  const tls = temporal.tls || temporal.apiKey || mtls ? (mtls ?? true) : undefined;
  return { address, tls, apiKey: temporal.apiKey };
}

/**
 * A client whose connection is made on first use: the gateway starts (and answers 503 with Retry-After)
 * while Temporal is down, and recovers by itself when it comes back.
 */
export function createClient(temporal: Config['temporal'], address: string): Client {
  const connection = Connection.lazy({ ...connectionOptions(temporal, address), connectTimeout: 5000 });
  return new Client({ connection, namespace: temporal.namespace, dataConverter: dataConverter(temporal) });
}

export async function connectWorker(
  temporal: Config['temporal'],
  address: string,
): Promise<NativeConnection> {
  return NativeConnection.connect({
    address,
    tls: connectionOptions(temporal, address).tls,
    apiKey: temporal.apiKey,
  });
}
