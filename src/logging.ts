/**
 * pino JSON logs. Request bodies are never logged; redaction is the second
 * line of defence for secrets that end up in a logged object anyway (an error
 * carrying a config, a header dump).
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

const SECRET_FIELDS = [
  'password',
  'sectigo_cm_password',
  'client_secret',
  'sectigo_cm_client_secret',
  'private_key',
  'sectigo_private_key',
  'token',
  'client_token',
  'seal_key',
];

const REDACT_PATHS = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  ...SECRET_FIELDS.map((field) => `*.*.${field}`),
  'headers["x-vault-token"]',
  'headers.authorization',
  '*.headers["x-vault-token"]',
  '*.headers.authorization',
];

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'scmpki' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
