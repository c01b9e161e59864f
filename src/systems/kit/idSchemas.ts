/**
 * The ids a webhook carries into Temporal. Record ids become part of workflow ids (`planFor`) and of the
 * RecordId search attribute; event ids travel in signals and in each record's inbox of seen ids. Temporal
 * refuses a workflow id over 1,000 UTF-8 bytes and a keyword search attribute over 2 KiB (INVALID_ARGUMENT),
 * and fails the whole call on a string that is not valid UTF-8 (a lone surrogate, which JSON's "\ud800"
 * gives). A value the envelope accepted and Temporal then refused was a 500, which senders retry for days;
 * each sender's envelope schema bounds its ids with these shapes instead, so a bad one is a 400 naming the
 * field. Pure zod: the schemas that use them are read inside workflows too.
 */
import { z } from 'zod';

/**
 * The longest opaque id: 200 UTF-16 code units are at most 600 UTF-8 bytes, which leaves room for any
 * integration's prefix (`order-fulfillment/shopify/order-`) inside Temporal's 1,000-byte workflow id.
 */
export const MAX_ID_LENGTH = 200;

/** No control characters, no line or paragraph separators, no unpaired surrogates (not valid UTF-8). */
const PRINTABLE = /^[^\p{Cc}\p{Cs}\p{Zl}\p{Zp}]+$/u;

/** An opaque id of 1 to `max` printable characters. */
export function isBoundedId(value: string, max = MAX_ID_LENGTH): boolean {
  return value.length >= 1 && value.length <= max && PRINTABLE.test(value);
}

/** A numeric id: a whole number JSON carries exactly (a safe integer), or a string of 1–20 digits. */
export function isNumericId(value: number | string): boolean {
  return typeof value === 'number' ? Number.isSafeInteger(value) && value >= 0 : /^\d{1,20}$/.test(value);
}

const boundedMessage = (what: string, max: number) => `${what} (1–${max} printable characters)`;

/** An id the sender or a merchant chooses (event ids, order references): 1–200 printable characters. */
export const boundedIdSchema = (what: string, max = MAX_ID_LENGTH) =>
  z
    .string({ error: boundedMessage(what, max) })
    .refine((v) => isBoundedId(v, max), { error: boundedMessage(what, max) });

/**
 * A numeric record id as senders send it, a JSON number or a string of digits: the type stays as sent.
 * A number beyond 2^53 is refused, since JSON.parse has already rounded it to another record's id.
 */
export const numericIdSchema = (what: string) => {
  const error = `${what} (a whole number, or 1–20 digits)`;
  return z.union([z.number(), z.string()], { error }).refine(isNumericId, { error });
};

/** An event id: a number, or an opaque id of 1–200 printable characters. */
export const eventIdSchema = (what: string) => {
  const error = `${what} (a number, or 1–${MAX_ID_LENGTH} printable characters)`;
  return z
    .union([z.number(), z.string()], { error })
    .refine((v) => typeof v === 'number' || isBoundedId(v), { error });
};
