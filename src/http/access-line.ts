/**
 * The access line, one per request (request-context.ts): the bytes pino
 * writes for `access.info({ request_id, method, path, status, ms }, 'request')`,
 * put together directly and handed to the logger's own destination. Its
 * fields are fixed, so pino's walk over them (serializers, stringifiers, a
 * type switch per field) is work a read of a certificate paid for nothing:
 * it cost more than the rest of the line.
 *
 * Only a logger whose line nothing else shapes is written this way (pino's
 * `symbols` are its documented means for integrations): no hooks, mixin,
 * formatters, message prefix, redaction of a field of the line, or
 * destination that wants pino's metadata (a multistream). Any other logs
 * through pino itself, as before.
 */
import { pino } from 'pino';
import type { Logger } from '../logging.js';

export interface AccessLine {
  request_id: string;
  method: string;
  /** The URL's path, never its query. */
  path: string;
  status: number;
  ms: number;
}

const FIELDS: ReadonlyArray<keyof AccessLine> = ['request_id', 'method', 'path', 'status', 'ms'];
const INFO = pino.levels.values.info!;

type PinoInternals = Record<symbol, unknown>;

/** True when pino would write nothing but its level, time, bindings, the fields and the message. */
function writesPlainLines(logger: Logger): boolean {
  const internals = logger as unknown as PinoInternals;
  const { symbols } = pino;
  const hooks = internals[symbols.hooksSym] as { logMethod?: unknown; streamWrite?: unknown } | undefined;
  const formatters = internals[symbols.formattersSym] as { log?: unknown } | undefined;
  const stringifiers = (internals[symbols.stringifiersSym] ?? {}) as Record<string | symbol, unknown>;
  const stream = internals[symbols.streamSym] as Record<symbol, unknown> | undefined;
  return (
    hooks?.logMethod === undefined &&
    hooks?.streamWrite === undefined &&
    formatters?.log === undefined &&
    internals[symbols.mixinSym] === undefined &&
    logger.msgPrefix === undefined &&
    internals[symbols.messageKeySym] === 'msg' &&
    typeof (internals[symbols.lsCacheSym] as Record<number, unknown> | undefined)?.[INFO] === 'string' &&
    typeof internals[symbols.timeSym] === 'function' &&
    typeof internals[symbols.endSym] === 'string' &&
    stringifiers[symbols.wildcardFirstSym] === undefined &&
    FIELDS.every((field) => stringifiers[field] === undefined) &&
    typeof (stream as { write?: unknown } | undefined)?.write === 'function' &&
    stream?.[symbols.needsMetadataGsym] !== true
  );
}

/** The server's access line through `logger`, at info (the level is asked on every line: sys/loggers changes it). */
export function accessLineWriter(logger: Logger): (line: AccessLine) => void {
  if (!writesPlainLines(logger)) {
    return (line) => logger.info({ request_id: line.request_id, method: line.method, path: line.path, status: line.status, ms: line.ms }, 'request');
  }
  const internals = logger as unknown as PinoInternals;
  const { symbols } = pino;
  const stream = internals[symbols.streamSym] as { write(line: string): void };
  const levelField = (internals[symbols.lsCacheSym] as Record<number, string>)[INFO];
  const time = internals[symbols.timeSym] as () => string;
  const end = internals[symbols.endSym] as string;
  return (line) => {
    if (!logger.isLevelEnabled('info')) return;
    // Read on each line: bindings change with setBindings.
    const bindings = internals[symbols.chindingsSym] as string;
    stream.write(
      `${levelField}${time()}${bindings},"request_id":${JSON.stringify(line.request_id)},"method":${JSON.stringify(line.method)}` +
        `,"path":${JSON.stringify(line.path)},"status":${line.status},"ms":${line.ms},"msg":"request"${end}`,
    );
  };
}
