/**
 * Where the seal key comes from: `SCMPKI_SEAL_KEY` (base64) wins, else the key
 * file, which is created with mode 0600 on first start. The key never lives
 * beside the data unless the operator puts the file there.
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

/** Reads the key file, creating it (0600, parent directories 0700) when absent. */
export async function loadOrCreateSealKeyFile(path: string): Promise<{ key: Buffer; created: boolean }> {
  try {
    return { key: decodeSealKey(await readFile(path, 'utf8'), `seal key file ${path}`), created: false };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = generateSealKey();
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  // 'wx' so two servers started at once cannot overwrite each other's key.
  await writeFile(path, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, created: true };
}
