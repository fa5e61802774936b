/**
 * Where the seal key comes from: `SCMPKI_SEAL_KEY` (base64) wins, else the key
 * file (mode 0600). The key never lives beside the data unless the operator
 * puts the file there.
 *
 * Reading and writing are separate steps on purpose: a start reads (or makes,
 * in memory) the key before it touches the disk, and writes a new key file
 * only once every setting has been checked and the listener is bound. A key
 * file is made for a new database only; server/data-dir.ts decides which.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SEAL_KEY_BYTES } from './barrier.js';

export function decodeSealKey(base64: string, source: string): Buffer {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== SEAL_KEY_BYTES) {
    throw new Error(`${source} must hold ${SEAL_KEY_BYTES} bytes encoded as base64 (got ${key.length} bytes)`);
  }
  return key;
}

export function generateSealKey(): Buffer {
  return randomBytes(SEAL_KEY_BYTES);
}

/** The key in the file, or undefined when there is no file. A file that is not a key is an error. */
export async function readSealKeyFile(path: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`seal key file ${path}: ${(err as Error).message}`);
  }
  return decodeSealKey(text, `seal key file ${path}`);
}

/** Writes a new key file (0600, parent directories 0700); never replaces one. */
export async function writeNewSealKeyFile(path: string, key: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // 'wx' so two servers started at once cannot overwrite each other's key.
  await writeFile(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
}

/** Reads the key file, creating it when absent (dev mode's own data dir, tests). */
export async function loadOrCreateSealKeyFile(path: string): Promise<{ key: Buffer; created: boolean }> {
  const existing = await readSealKeyFile(path);
  if (existing) return { key: existing, created: false };
  const key = generateSealKey();
  await writeNewSealKeyFile(path, key);
  return { key, created: true };
}
