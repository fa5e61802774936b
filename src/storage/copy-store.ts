/**
 * Moves every entry of one store into another, then proves the copy: both
 * stores are read again side by side, in key order, and every key and value
 * must be identical and the counts equal. The target must be empty but for
 * what opening it wrote (its seal check and keyring), which the copy
 * replaces with the source's.
 */
import { layout } from './layout.js';
import { kindOfStoredBytes } from './raw-entries.js';
import { prefixRange, type RawEntry, type RawSwap, type Storage } from './storage.js';

const COPY_BATCH = 500;
const WRITTEN_BY_OPENING = new Set<string>([layout.sealCheck, layout.keyring]);

export interface CopyReport {
  entries: number;
  sealed: number;
  clear: number;
}

export class TargetNotEmptyError extends Error {
  override name = 'TargetNotEmptyError';
}

export async function copyStore(from: Storage, to: Storage): Promise<CopyReport> {
  const opening = new Map<string, Uint8Array>();
  for await (const [key, stored] of to.rawEntries(prefixRange(''))) {
    if (!WRITTEN_BY_OPENING.has(key)) throw new TargetNotEmptyError(`the target already holds data (${key}); migrate into an empty store`);
    opening.set(key, stored);
  }
  const report: CopyReport = { entries: 0, sealed: 0, clear: 0 };
  let batch: RawSwap[] = [];
  const flush = async () => {
    const applied = await to.swapRaw(batch);
    if (applied.length !== batch.length) throw new Error('the target changed while the copy ran: stop every server on it and migrate again');
    batch = [];
  };
  for await (const [key, stored] of from.rawEntries(prefixRange(''))) {
    batch.push({ key, expected: opening.get(key), next: stored });
    report.entries += 1;
    report[kindOfStoredBytes(stored)] += 1;
    if (batch.length === COPY_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  return report;
}

/** Throws naming the first difference; the number of entries compared otherwise. */
export async function verifyCopy(from: Storage, to: Storage): Promise<number> {
  const source = from.rawEntries(prefixRange(''))[Symbol.asyncIterator]();
  const target = to.rawEntries(prefixRange(''))[Symbol.asyncIterator]();
  try {
    return await compareEntries(source, target);
  } finally {
    // A difference stops the comparison mid-way: both reads give back what they hold (a PostgreSQL connection).
    await Promise.all([source.return?.(), target.return?.()]);
  }
}

async function compareEntries(source: AsyncIterator<RawEntry>, target: AsyncIterator<RawEntry>): Promise<number> {
  for (let compared = 0; ; compared += 1) {
    const [a, b] = await Promise.all([source.next(), target.next()]);
    if (a.done && b.done) return compared;
    if (a.done || b.done) {
      const extra = a.done ? `the target has ${b.value[0]}, which the source does not` : `the target lacks ${a.value[0]}`;
      throw new Error(`verification failed after ${compared} identical entries: ${extra}`);
    }
    const [keyA, bytesA] = a.value;
    const [keyB, bytesB] = b.value;
    if (keyA !== keyB) throw new Error(`verification failed: entry ${compared + 1} is ${keyA} in the source but ${keyB} in the target`);
    if (!Buffer.from(bytesA).equals(Buffer.from(bytesB))) throw new Error(`verification failed: the value of ${keyA} differs`);
  }
}
