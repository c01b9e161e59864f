/**
 * Mailchimp Transactional, formerly Mandrill (https://mailchimp.com/developer/transactional/api/messages/):
 * send a message or a stored template. The API key travels in the JSON body as `key` (the HTTP layer adds
 * it from config). Each recipient gets its own result: `sent`, `queued`, `scheduled`, `rejected`, `invalid`.
 */
import { ApplicationFailure } from '@temporalio/common';
import { defaultIdempotencyKey, HttpClient } from '../../http/client';
import { firstZodIssue } from '../kit/zodIssue';
import {
  MandrillMessage,
  mandrillMessageSchema,
  mandrillSearchResultSchema,
  MandrillSendResult,
  mandrillSendResultSchema,
} from './schemas';

/**
 * Mandrill answers every error with HTTP 500 and `{status:"error", name, message}`; the HTTP layer treats a
 * 500 as transient. These messages are the permanent ones (bad key, missing template, invalid message):
 * retrying them only delays the alert.
 */
/** The metadata field that carries a send's idempotency key (searchable as `u_<field>`). */
export const SEND_KEY_FIELD = 'switchboard_send_id';

const PERMANENT_MANDRILL_ERRORS = /→ 500: (Invalid API key|No such template|Validation error)/;

/** A message that breaks the schema is a bug upstream: fail at once, not after eight retries. */
function validMessage(message: MandrillMessage) {
  const parsed = mandrillMessageSchema.safeParse(message);
  if (parsed.success) return parsed.data;
  throw ApplicationFailure.nonRetryable(
    `invalid Mandrill message: ${firstZodIssue(parsed.error, 'message')}`,
    'InvalidInputError',
  );
}

async function permanentOnKnownErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (
      err instanceof ApplicationFailure &&
      err.type === 'ApiUnavailableError' &&
      PERMANENT_MANDRILL_ERRORS.test(err.message)
    ) {
      throw ApplicationFailure.create({
        type: 'ApiRequestError',
        message: err.message,
        nonRetryable: true,
        details: err.details ? [...err.details] : undefined,
      });
    }
    throw err;
  }
}

export function createMandrillActivities(http: HttpClient) {
  /**
   * Mandrill has no Idempotency-Key, and a timed-out send may still have gone out: each send carries the
   * call's key in its metadata, and a retry first asks Mandrill whether that send already happened.
   */
  async function onceOnly(parsed: ReturnType<typeof validMessage>) {
    const key = defaultIdempotencyKey();
    if (!key) return { parsed };
    const tagged = { ...parsed, metadata: { ...parsed.metadata, [SEND_KEY_FIELD]: key } };
    const found = await http.request('mandrill', {
      method: 'POST',
      path: '/api/1.0/messages/search',
      json: { query: `u_${SEND_KEY_FIELD}:${key}`, limit: 100 },
      schema: mandrillSearchResultSchema,
    });
    const earlier: MandrillSendResult | undefined =
      found.length > 0
        ? found.map((m) => ({ email: m.email, status: 'sent' as const, reject_reason: null, _id: m._id }))
        : undefined;
    return { parsed: tagged, earlier };
  }

  /** Validates the message, sends it once (an earlier attempt's send is found, not repeated) and classifies errors. */
  async function send(
    path: string,
    message: MandrillMessage,
    body: (parsed: ReturnType<typeof validMessage>) => Record<string, unknown>,
  ): Promise<MandrillSendResult> {
    const { parsed, earlier } = await onceOnly(validMessage(message));
    if (earlier) return earlier;
    return permanentOnKnownErrors(() =>
      http.request('mandrill', {
        method: 'POST',
        path,
        json: body(parsed),
        schema: mandrillSendResultSchema,
      }),
    );
  }

  return {
    /** Sends a stored template (POST /messages/send-template); the template's merge tags are filled in. */
    async sendMandrillTemplate(
      templateName: string,
      message: MandrillMessage,
      templateContent: { name: string; content: string }[] = [],
    ): Promise<MandrillSendResult> {
      return send('/api/1.0/messages/send-template', message, (parsed) => ({
        template_name: templateName,
        template_content: templateContent,
        message: parsed,
      }));
    },

    /** Sends a message with its own body (POST /messages/send). */
    async sendMandrillMessage(message: MandrillMessage): Promise<MandrillSendResult> {
      return send('/api/1.0/messages/send', message, (parsed) => ({ message: parsed }));
    },
  };
}
