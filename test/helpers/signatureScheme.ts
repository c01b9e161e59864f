/**
 * The cases every webhook signature scheme must pass, for the tests beside each verifier: what the sender
 * signs is accepted, with either secret while one is rotated; a tampered body, a secret taken out of the
 * rotation and a missing signature are refused; and where the sender signs a time, a signature over 5
 * minutes old or ahead is stale. The request goes through the source as the gateway calls it, with the
 * secrets read from the source's own setting.
 */
import { WEBHOOK_SOURCES } from '../../src/systems/webhooks';
import { SYSTEM_SETTINGS } from '../../src/systems/settings';
import { loadConfig } from '../../src/config';
import { Headers, verdict } from './webhookSigning';

/** What the source makes of a request: 'ok' or the SignatureError code. */
export type Verify = (secrets: string, headers: Headers, rawBody?: string) => string;

interface Delivery {
  /** The raw body the sender signs. */
  body: string;
  /** Headers every delivery carries besides the signature (event type, delivery id). */
  headers?: Headers;
  /** Settings besides the secrets (a configurable scheme's header, encoding, prefix). */
  settings?: Record<string, string>;
}

/** A scheme that signs the body alone: the headers the sender sends, signed with `secret`. */
type Untimed = Delivery & { tampered: string; sign(secret: string): Headers };
/** A scheme that signs a time with the body: the headers the sender sends at `at`. */
type Timed = Delivery & { tampered: string; signAt(secret: string, at?: Date): Headers };

const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);

/** The setting the configuration reads the source's secrets from (comma-separated during a rotation). */
function secretsSetting(source: keyof typeof SYSTEM_SETTINGS): string {
  const module = SYSTEM_SETTINGS[source] as {
    settings: Record<string, { env: string }>;
    webhookSecrets?: string;
  };
  if (!module.webhookSecrets) throw new Error(`${source} sends no webhooks`);
  return module.settings[module.webhookSecrets].env;
}

/** The verifier of a source, as the gateway calls it for a POST to /webhooks/<source>. */
export function verifierOf(source: keyof typeof SYSTEM_SETTINGS, defaults: Delivery): Verify {
  return (secrets, headers, rawBody = defaults.body) =>
    verdict(() =>
      WEBHOOK_SOURCES[source].verify(
        {
          method: 'POST',
          url: `https://hooks.example.com/webhooks/${source}`,
          headers: { ...defaults.headers, ...headers },
          rawBody: Buffer.from(rawBody),
        },
        loadConfig({ SWITCHBOARD_SANDBOX: 'true', ...defaults.settings, [secretsSetting(source)]: secrets }),
      ),
    );
}

/** Registers the common cases (see above); returns the source's verifier for the scheme's own cases. */
export function describeSignatureScheme(
  source: keyof typeof SYSTEM_SETTINGS,
  [current, previous]: [current: string, previous: string],
  scheme: Untimed | Timed,
): Verify {
  const verify = verifierOf(source, scheme);
  const sign = (secret: string) => ('sign' in scheme ? scheme.sign(secret) : scheme.signAt(secret));

  test('accepts what the sender signs, with either secret while one is rotated', () => {
    expect(verify(current, sign(current))).toBe('ok');
    for (const secrets of [`${current},${previous}`, `${previous},${current}`]) {
      expect(verify(secrets, sign(previous))).toBe('ok');
      expect(verify(secrets, sign(current))).toBe('ok');
    }
  });

  test('rejects a tampered body, a secret taken out of the rotation and a missing signature', () => {
    expect(scheme.tampered).not.toBe(scheme.body);
    expect(verify(current, sign(current), scheme.tampered)).toBe('invalid_signature');
    expect(verify(current, sign(previous))).toBe('invalid_signature');
    expect(verify(current, {})).toBe('missing_signature');
  });

  if ('signAt' in scheme)
    test('rejects a signature more than 5 minutes old or ahead', () => {
      expect(verify(current, scheme.signAt(current, ago(301)))).toBe('stale_signature');
      expect(verify(current, scheme.signAt(current, ago(-301)))).toBe('stale_signature');
      expect(verify(current, scheme.signAt(current, ago(290)))).toBe('ok');
      expect(verify(current, scheme.signAt(current, ago(280)))).toBe('ok');
    });

  return verify;
}
