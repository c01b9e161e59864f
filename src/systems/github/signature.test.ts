/** X-Hub-Signature-256, signed by GitHub's own library (@octokit/webhooks-methods `sign`). */
import { describeSignatureScheme } from '../../../test/helpers/signatureScheme';
import { octokitSignatures } from '../../../test/helpers/webhookSigning';

const OLD = 'old-github-secret';
const NEW = 'new-github-secret';
const body = JSON.stringify({ action: 'opened', issue: { number: 3 } });

// The library runs in a child process (ES module only): sign everything this file needs in one go.
const [byNew, byOld] = octokitSignatures([
  { secret: NEW, payload: body },
  { secret: OLD, payload: body },
]);
const signatures: Record<string, string> = { [NEW]: byNew, [OLD]: byOld };

const verify = describeSignatureScheme('github', [NEW, OLD], {
  body,
  tampered: body.replace('"number":3', '"number":4'),
  headers: { 'x-github-event': 'issues', 'x-github-delivery': 'd-1' },
  sign: (secret) => ({ 'x-hub-signature-256': signatures[secret] }),
});

test('what GitHub signs is sha256=<hex>', () => {
  expect(byNew).toMatch(/^sha256=[0-9a-f]{64}$/);
});

test('rejects a malformed signature', () => {
  const signed = (signature: string) => ({ 'x-hub-signature-256': signature });
  expect(verify(NEW, signed(byNew.replace('sha256=', '')))).toBe('invalid_signature');
  expect(verify(NEW, signed(byNew.replace('sha256=', 'sha1=')))).toBe('invalid_signature');
  expect(verify(NEW, signed(`${byNew}00`))).toBe('invalid_signature');
});
