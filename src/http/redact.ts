/**
 * Scrubs credentials out of text that is about to become a failure message or a log line. An API's
 * error body may echo what it was sent (an invalid key, a token), and a failure message is stored in the
 * workflow history, shown in the Web UI and posted in alerts — so every configured secret, its Basic
 * encoding and every OAuth2 token the process holds is replaced before a message leaves the HTTP layer.
 */
import type { AuthConfig } from '../config';

export const REDACTED = '[redacted]';

/** Shorter strings are too likely to occur by chance in an error text to be worth replacing. */
const MIN_SECRET_LENGTH = 6;

/** Every secret value one system's auth carries, in the forms it travels in. */
export function secretsOf(auth: AuthConfig): string[] {
  switch (auth.type) {
    case 'none':
      return [];
    case 'bearer':
      return [auth.token];
    case 'basic':
      return [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64')];
    case 'apiKey':
      return [auth.value];
    case 'oauth2ClientCredentials':
      return [auth.clientSecret, basicOf(auth.clientId, auth.clientSecret)];
    case 'oauth2RefreshToken':
      return [auth.clientSecret, basicOf(auth.clientId, auth.clientSecret), auth.refreshToken];
  }
}

const basicOf = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

/** Replaces each secret (longest first, so one never leaves part of another behind) with [redacted]. */
export function redactSecrets(text: string, secrets: Iterable<string>): string {
  const forms = [...secrets].flatMap((s) => [s, encodeURIComponent(s)]);
  const sorted = [...new Set(forms)]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const secret of sorted) out = out.split(secret).join(REDACTED);
  return out;
}

/**
 * Email addresses in text bound for people (alerts) or logs keep their first character and their domain:
 * `ada@example.com` → `a***@example.com` (URL-encoded `ada%40example.com` → `a***%40example.com`). The
 * domain tells an operator which customer or provider is involved; the person stays out of Slack and the
 * log store. The address itself is in the run's history (encrypted with PAYLOAD_CODEC_KEY) for those
 * allowed to read it.
 */
/** A local part is at most 64 characters (RFC 5321): bounding it keeps the scan linear on any input. */
const EMAIL =
  /(?<![A-Za-z0-9_+%-])(?<!%[0-9A-Fa-f])([A-Za-z0-9_+-])(?:[A-Za-z0-9._+-]|%[0-9A-Fa-f]{2}){0,63}?(@|%40)((?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,})/g;

export function maskEmails(text: string): string {
  return text.replace(EMAIL, '$1***$2$3');
}
