/** X-Hub-Signature-256, signed by GitHub's own library (@octokit/webhooks-methods `sign`). */
import { WEBHOOK_SOURCES } from '../webhooks';
import type { SignedRequest } from '../kit/hmac';
import { loadConfig } from '../../config';
import { Headers, octokitSignatures, verdict } from '../../../test/helpers/webhookSigning';

const OLD = 'old-github-secret';
const NEW = 'new-github-secret';
const body = JSON.stringify({ action: 'opened', issue: { number: 3 } });

// The library runs in a child process (ES module only): sign everything this file needs in one go.
const [byNew, byOld] = octokitSignatures([
  { secret: NEW, payload: body },
  { secret: OLD, payload: body },
]);

const request = (headers: Headers, rawBody = body): SignedRequest => ({
  method: 'POST',
  url: 'https://hooks.example.com/webhooks/github',
  headers: { 'x-github-event': 'issues', 'x-github-delivery': 'd-1', ...headers },
  rawBody: Buffer.from(rawBody),
});
const verify = (secrets: string, signature?: string, rawBody = body) =>
  verdict(() =>
    WEBHOOK_SOURCES.github.verify(
      request(signature === undefined ? {} : { 'x-hub-signature-256': signature }, rawBody),
      loadConfig({ SWITCHBOARD_SANDBOX: 'true', GITHUB_WEBHOOK_SECRETS: secrets }),
    ),
  );

test('accepts what GitHub signs', () => {
  expect(byNew).toMatch(/^sha256=[0-9a-f]{64}$/);
  expect(verify(NEW, byNew)).toBe('ok');
});

test('rotation: either configured secret is accepted', () => {
  expect(verify(`${NEW},${OLD}`, byNew)).toBe('ok');
  expect(verify(`${NEW},${OLD}`, byOld)).toBe('ok');
});

test('rejects a tampered body, a removed secret, a missing or malformed signature', () => {
  expect(verify(NEW, byNew, body.replace('"number":3', '"number":4'))).toBe('invalid_signature');
  expect(verify(NEW, byOld)).toBe('invalid_signature');
  expect(verify(NEW)).toBe('missing_signature');
  expect(verify(NEW, byNew.replace('sha256=', ''))).toBe('invalid_signature');
  expect(verify(NEW, byNew.replace('sha256=', 'sha1='))).toBe('invalid_signature');
  expect(verify(NEW, `${byNew}00`)).toBe('invalid_signature');
});
