/**
 * The request body, read as Vault reads it: JSON whatever the Content-Type
 * says (the vault CLI sends none, `curl -d` sends a form type), a form only
 * when it is declared as one and does not look like JSON, empty or `null`
 * meaning {}. Bodies over the limit are refused with 413 without being held
 * in memory.
 */
import type { IncomingMessage } from 'node:http';
import { UserError } from '../errors.js';
import { HttpError } from '../framework/errors.js';

/** How much of an oversized body we read and drop so the client sees the 413 instead of a reset. */
const DISCARD_FACTOR = 64;

/**
 * Reads the body until it ends, the request's deadline fires (408: a client
 * that sends part of a body and stalls is held no longer than
 * max_request_duration), or the client goes away (400; nobody reads that
 * answer, but the log says what happened rather than "internal error").
 * Events rather than for-await, because leaving a for-await loop destroys
 * the socket and with it the 408.
 */
export function readBody(req: IncomingMessage, limit: number, deadline: AbortSignal): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, `request body is larger than the limit of ${limit} bytes`);
  const closedEarly = () => new HttpError(400, 'request body: the client closed the connection before sending all of it');
  // Past the limit the body is read and dropped, up to a budget, so the client sees the 413 instead of a reset.
  let overLimit = Number(req.headers['content-length'] ?? NaN) > limit;
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const finish = (outcome: () => void) => {
      req.off('data', onData).off('end', onEnd).off('close', onClose);
      deadline.removeEventListener('abort', onDeadline);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (!overLimit && total > limit) {
        overLimit = true;
        chunks.length = 0;
      }
      if (!overLimit) {
        chunks.push(chunk);
      } else if (total > limit * DISCARD_FACTOR) {
        req.socket.destroy();
        finish(() => reject(tooLarge()));
      }
    };
    const onEnd = () => finish(() => (overLimit ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    const onClose = () => {
      if (!req.complete) finish(() => reject(overLimit ? tooLarge() : closedEarly()));
    };
    const onDeadline = () => {
      req.pause();
      const timedOut = (deadline.reason as Error | undefined)?.name === 'TimeoutError';
      const error = overLimit
        ? tooLarge()
        : timedOut
          ? new HttpError(408, `request body: not all of it arrived within max_request_duration (${total} bytes did)`)
          : closedEarly();
      finish(() => reject(error));
    };
    if (deadline.aborted) return onDeadline();
    req.on('data', onData).on('end', onEnd).on('close', onClose);
    deadline.addEventListener('abort', onDeadline, { once: true });
  });
}

export function parseBody(raw: Buffer, contentType: string | undefined): Record<string, unknown> {
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  const looksLikeJson = text.startsWith('{') || text.startsWith('[');
  if (!looksLikeJson && (contentType ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UserError(`request body: invalid JSON (${(err as Error).message})`);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UserError('request body: must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}
