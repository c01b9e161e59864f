/**
 * Load generators of the bench: an open loop (requests leave at a fixed rate whatever the answers do, and
 * each latency counts from the moment its request was due, so a slow server cannot hide its queue), and a
 * closed loop (N requests in flight, the next one as soon as one answers: the most a path can do).
 */
import http from 'node:http';

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(latenciesMs: number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return {
    count: sorted.length,
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
  };
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** What one operation reports: true when it succeeded, else a short name of the error (counted). */
export type Outcome = true | string;

export interface OpenLoopResult {
  targetRate: number;
  durationS: number;
  sent: number;
  ok: number;
  errors: number;
  errorKinds: Record<string, number>;
  /** Successes per second, from the first due time to the last answer. */
  acceptedPerSecond: number;
  /** When the last answer came, in seconds after the first request was due. */
  lastAnswerS: number;
  latencyMs: LatencySummary;
}

export async function openLoop(opts: {
  rate: number;
  durationS: number;
  send: (i: number) => Promise<Outcome>;
  /** Called about once a second while requests go out (samples memory, progress). */
  onSecond?: (elapsedS: number) => void;
  /**
   * At most this many requests in flight (default: 5 s of arrivals): a request due while the server
   * already holds that many is not sent and counts as an error. The machine is shared, and a server that
   * fell minutes behind has failed the test already.
   */
  maxInFlight?: number;
}): Promise<OpenLoopResult> {
  const maxInFlight = opts.maxInFlight ?? Math.max(100, Math.round(opts.rate * 5));
  const total = Math.max(1, Math.round(opts.rate * opts.durationS));
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  const inFlight = new Set<Promise<void>>();
  const t0 = performance.now();
  let lastAnswer = t0;
  let ok = 0;
  let i = 0;
  let nextTick = 1;
  const fire = (n: number, due: number) => {
    if (inFlight.size >= maxInFlight) {
      errorKinds['not sent: too many in flight'] = (errorKinds['not sent: too many in flight'] ?? 0) + 1;
      return;
    }
    const p = opts
      .send(n)
      .catch((err: Error) => `exception: ${err.message.slice(0, 80)}`)
      .then((outcome) => {
        const now = performance.now();
        lastAnswer = Math.max(lastAnswer, now);
        if (outcome === true) {
          ok++;
          latencies.push(now - due);
        } else errorKinds[outcome] = (errorKinds[outcome] ?? 0) + 1;
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor(((now - t0) / 1000) * opts.rate) + 1);
      while (i < due) fire(i, t0 + (i++ / opts.rate) * 1000);
      if (opts.onSecond && now - t0 >= nextTick * 1000) opts.onSecond(nextTick++);
      if (i >= total) return resolve();
      setTimeout(tick, Math.max(0, Math.min(5, t0 + (i / opts.rate) * 1000 - performance.now())));
    };
    tick();
  });
  while (inFlight.size > 0) await Promise.race(inFlight);
  const lastAnswerS = (lastAnswer - t0) / 1000;
  return {
    targetRate: opts.rate,
    durationS: opts.durationS,
    sent: total,
    ok,
    errors: total - ok,
    errorKinds,
    acceptedPerSecond: round(ok / Math.max(lastAnswerS, opts.durationS)),
    lastAnswerS: round(lastAnswerS, 2),
    latencyMs: summarize(latencies),
  };
}

export interface ClosedLoopResult {
  concurrency: number;
  durationS: number;
  ok: number;
  errors: number;
  errorKinds: Record<string, number>;
  perSecond: number;
  latencyMs: LatencySummary;
}

export async function closedLoop(opts: {
  concurrency: number;
  durationS: number;
  op: (i: number) => Promise<Outcome>;
}): Promise<ClosedLoopResult> {
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  let next = 0;
  let ok = 0;
  let errors = 0;
  const t0 = performance.now();
  const deadline = t0 + opts.durationS * 1000;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        const outcome = await opts.op(next++).catch((err: Error) => `exception: ${err.message.slice(0, 80)}`);
        if (outcome === true) {
          ok++;
          latencies.push(performance.now() - started);
        } else {
          errors++;
          errorKinds[outcome] = (errorKinds[outcome] ?? 0) + 1;
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return {
    concurrency: opts.concurrency,
    durationS: round(seconds, 2),
    ok,
    errors,
    errorKinds,
    perSecond: round(ok / seconds),
    latencyMs: summarize(latencies),
  };
}

/** Keep-alive connections, as many as the load needs: the generator must never be the bottleneck. */
export const keepAliveAgent = new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 256 });

export function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: keepAliveAgent,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

export async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(url, { headers });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
