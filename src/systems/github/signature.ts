/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex(HMAC-SHA256(webhook secret, body))>`. No timestamp is signed,
 * so there is no tolerance window; redeliveries are recognised by X-GitHub-Delivery instead.
 * https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
 */
import { type HmacScheme, type SignedRequest, verifyHmacSignature } from '../kit/hmac';

const GITHUB: HmacScheme = { header: 'X-Hub-Signature-256', prefix: 'sha256=', encoding: 'hex' };

export function verifyGithubSignature(req: SignedRequest, secrets: string[]): void {
  verifyHmacSignature(req, secrets, GITHUB);
}
