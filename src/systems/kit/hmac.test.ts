/** The shared single-header HMAC verifier: what every scheme declared as data gets for free. */
import { hmacSha256, type HmacScheme, SignatureError, verifyHmacSignature } from './hmac';

const rawBody = Buffer.from('{"id":1}');
const STAMPED: HmacScheme = {
  header: 'X-Sig',
  encoding: 'hex',
  timestamp: { header: 'X-Sig-Time', toleranceMs: 300_000, toMs: (v) => Number(v) * 1000 },
  signedPayload: (req, timestamp) => Buffer.concat([Buffer.from(`${timestamp}.`), req.rawBody]),
};
const now = 1_700_000_000_000;
const ts = String(now / 1000);
const sig = hmacSha256('s1', Buffer.concat([Buffer.from(`${ts}.`), rawBody])).toString('hex');
const codeOf = (headers: Record<string, string>) => {
  try {
    verifyHmacSignature({ method: 'POST', url: 'https://x/h', headers, rawBody }, ['s0', 's1'], STAMPED, now);
    return 'ok';
  } catch (err) {
    return (err as SignatureError).code;
  }
};

test.each([
  ['both headers, any active secret', { 'x-sig': sig, 'x-sig-time': ts }, 'ok'],
  ['no timestamp header', { 'x-sig': sig }, 'missing_signature'],
  [
    'an empty timestamp header is a missing one, not a stale one',
    { 'x-sig': sig, 'x-sig-time': '' },
    'missing_signature',
  ],
  ['an empty signature header', { 'x-sig': '', 'x-sig-time': ts }, 'missing_signature'],
  [
    'a timestamp outside the tolerance',
    { 'x-sig': sig, 'x-sig-time': String(now / 1000 - 301) },
    'stale_signature',
  ],
  [
    'a signature over another timestamp',
    { 'x-sig': sig, 'x-sig-time': String(now / 1000 - 1) },
    'invalid_signature',
  ],
])('%s → %s', (_case, headers, expected) => {
  expect(codeOf(headers)).toBe(expected);
});
