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
  'sectigo_cm_client_key',
  'sectigo_cm_client_cert',
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

/**
 * pino's isoTime, worked out once per millisecond: under load many lines
 * (an access line per request) fall in the same one, and formatting the
 * date cost more than the rest of the line.
 */
function isoTimeOncePerMs(): () => string {
  let lastMs = Number.NaN;
  let field = '';
  return () => {
    const now = Date.now();
    if (now !== lastMs) {
      lastMs = now;
      field = `,"time":"${new Date(now).toISOString()}"`;
    }
    return field;
  };
}

export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: 'scmpki' },
      timestamp: isoTimeOncePerMs(),
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** The levels `sys/loggers` takes, as Vault names them, most detailed first. */
export const RUNTIME_LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'] as const;
export type RuntimeLogLevel = (typeof RUNTIME_LOG_LEVELS)[number];

/**
 * The server's named loggers, each a pino child carrying `"logger": "<name>"`,
 * as Vault's subsystems each have one: `core` (start, stop, storage), `http`
 * (access lines, request errors), `scm` (calls to SCM), `lifecycle`
 * (certificate operations and record state changes), `collector` and
 * `renewer` (background passes), `audit` (audit devices).
 */
export const LOGGER_NAMES = ['core', 'http', 'scm', 'lifecycle', 'collector', 'renewer', 'audit'] as const;
export type LoggerName = (typeof LOGGER_NAMES)[number];

/**
 * Owns the named loggers and their levels, which `sys/loggers` changes at run
 * time. A pino child copies its parent's level when it is made and keeps its
 * own afterwards, so every logger derived from a named one (the access log's
 * unredacted child) is kept here too and set with it.
 */
export class Loggers {
  private readonly byName = new Map<LoggerName, Logger[]>();

  /** `configuredLevel` is what DELETE on sys/loggers goes back to: the root logger's level at start. */
  constructor(root: Logger, readonly configuredLevel: string = root.level) {
    for (const name of LOGGER_NAMES) this.byName.set(name, [root.child({ logger: name })]);
  }

  get(name: LoggerName): Logger {
    return this.family(name)[0]!;
  }

  /** A child of a named logger with its own pino options, whose level follows the named one's. */
  derive(name: LoggerName, options: { redact?: string[] }): Logger {
    const child = this.get(name).child({}, options);
    this.family(name).push(child);
    return child;
  }

  isName(name: string): name is LoggerName {
    return (LOGGER_NAMES as readonly string[]).includes(name);
  }

  levels(): Record<LoggerName, string> {
    return Object.fromEntries(LOGGER_NAMES.map((name) => [name, this.get(name).level])) as Record<LoggerName, string>;
  }

  /** One logger, or all when `name` is absent; `level` undefined goes back to the configured level. */
  setLevel(level: string | undefined, name?: LoggerName): void {
    for (const each of name ? [name] : LOGGER_NAMES) {
      for (const logger of this.family(each)) logger.level = level ?? this.configuredLevel;
    }
  }

  private family(name: LoggerName): Logger[] {
    return this.byName.get(name)!;
  }
}
