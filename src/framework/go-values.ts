/**
 * Values the way Vault's Go code reads them from strings: booleans as Go's
 * strconv.ParseBool, durations as Go durations or plain seconds.
 */
import { UserError } from '../errors.js';

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** undefined when the text is not a Go boolean. */
export function parseGoBool(text: string): boolean | undefined {
  if (TRUE.has(text)) return true;
  if (FALSE.has(text)) return false;
  return undefined;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Seconds from `3600`, `"3600"`, `"90s"`, `"1h30m"`, `"30d"`; undefined when unreadable. */
export function parseDurationSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)([smhd])/g)];
  if (parts.map((part) => part[0]).join('') !== text) return undefined;
  return parts.reduce((sum, part) => sum + Number(part[1]) * UNIT_SECONDS[part[2]!]!, 0);
}

/** 100 years: longer is a mistake, and far longer overflows a date (1e308 s was a 500). */
const MAX_TTL_SECONDS = 100 * 365 * 24 * 3600;

/** A ttl-like request field in whole seconds (0 when absent), at most 100 years; a UserError naming the field otherwise. */
export function durationField(field: string, value: unknown): number {
  if (value === undefined) return 0;
  const shown = JSON.stringify(value).slice(0, 40);
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined || !Number.isFinite(seconds)) throw new UserError(`${field}: ${shown} is not a duration (use seconds or e.g. "1h", "30m")`);
  if (seconds > MAX_TTL_SECONDS) throw new UserError(`${field}: ${shown} is longer than the maximum of 100 years ("876000h")`);
  return Math.floor(seconds);
}
