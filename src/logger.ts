/**
 * One pino logger for the process: JSON, one line per event. Secrets are redacted by path so that a
 * header or credential that slips into a log object never reaches the log in clear; email addresses are
 * masked wherever they appear in a line (message, fields, error stacks): `ada@example.com` → `a***@example.com`.
 */
import pino from 'pino';
import { config } from './config';
import { maskEmails } from './http/redact';

export const REDACTED_PATHS = [
  'headers.authorization',
  'headers["x-hubspot-signature-v3"]',
  'headers["stripe-signature"]',
  'headers["x-hub-signature-256"]',
  'headers["x-shopify-hmac-sha256"]',
  'headers["x-slack-signature"]',
  'headers["webhook-signature"]',
  'headers["x-shopify-access-token"]',
  'headers["x-zendesk-webhook-signature"]',
  // A request or response object logged whole: its headers one level down.
  '*.headers.authorization',
  '*.headers["x-shopify-access-token"]',
  '*.headers.cookie',
  '*.authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.clientSecret',
  '*.refreshToken',
  '*.accessToken',
  '*.apiKey',
];

export function createLogger(level = 'info', destination?: pino.DestinationStream) {
  return pino(
    {
      level,
      base: { service: 'switchboard' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // On the serialized line, so no field, message or stack escapes it (the mask adds no JSON syntax).
      hooks: { streamWrite: maskEmails },
    },
    destination,
  );
}

export type Logger = pino.Logger;

/** The level from the one config module; a bad config is reported by the entry point that loads it. */
function configuredLevel(): string {
  try {
    return config().logLevel;
  } catch {
    return 'info';
  }
}

/** The process logger of the entry points (worker, gateway, npm start). */
export const logger = createLogger(configuredLevel());
