/**
 * An HttpClient on the sandbox configuration whose fetch captures every request body and answers with
 * `answer(url)`: for checking what a connector sends against a vendor's contract, without a server.
 */
import { HttpClient } from '../../src/http/client';
import { loadConfig } from '../../src/config';

export interface CapturedRequest {
  method: string;
  path: string;
  body: unknown;
}

export function capturingHttp(answer: (url: string) => { status?: number; json?: unknown }) {
  const bodies: CapturedRequest[] = [];
  const config = loadConfig({ SWITCHBOARD_SANDBOX: 'true', LOG_LEVEL: 'silent' });
  const fetchImpl: typeof fetch = async (url, init) => {
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    bodies.push({ method: init?.method ?? 'GET', path: new URL(String(url)).pathname, body });
    const { status = 200, json } = answer(String(url));
    return json === undefined
      ? new Response(null, { status })
      : new Response(JSON.stringify(json), { status, headers: { 'content-type': 'application/json' } });
  };
  return { bodies, http: new HttpClient({ systems: config.systems, fetchImpl }) };
}
