/** Event metadata some senders carry in headers (type, delivery id): required once the signature holds. */
import { badRequest } from '../../gateway/errors';
import { header, SignedRequest } from './hmac';

/** The first of `names` present; a signed request without any of them is malformed (400), not forged. */
export function requiredHeader(req: SignedRequest, ...names: string[]): string {
  for (const name of names) {
    const value = header(req.headers, name);
    if (value) return value;
  }
  throw badRequest('missing_header', `${names.join(' or ')} is required`);
}
