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

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, `request body is larger than the limit of ${limit} bytes`);
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    await discard(req, limit * DISCARD_FACTOR);
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) {
      await discard(req, limit * DISCARD_FACTOR - total);
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function discard(req: IncomingMessage, budget: number): Promise<void> {
  let left = budget;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    left -= chunk.length;
    if (left < 0) {
      req.socket.destroy();
      return;
    }
  }
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
