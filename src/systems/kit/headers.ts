/** Event metadata some senders carry in headers (type, delivery id): required once the signature holds. */
import { badRequest } from '../../gateway/errors';
import { header, SignedRequest } from './hmac';
import { isBoundedId, MAX_ID_LENGTH } from './idSchemas';

/**
 * The first of `names` present; a signed request without any of them is malformed (400), not forged. The
 * values are event types and delivery ids, which travel into signals and runs: bounded like any event id.
 */
export function requiredHeader(req: SignedRequest, ...names: string[]): string {
  for (const name of names) {
    const value = header(req.headers, name);
    if (value) return boundedHeader(name, value);
  }
  throw badRequest('missing_header', `${names.join(' or ')} is required`);
}

/** A header value used as an id, or a 400 naming the header. */
export function boundedHeader(name: string, value: string): string {
  if (!isBoundedId(value))
    throw badRequest('invalid_header', `${name}: 1–${MAX_ID_LENGTH} printable characters`);
  return value;
}
