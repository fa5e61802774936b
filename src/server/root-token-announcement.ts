/**
 * How a new root token reaches the operator (first start, `operator init`,
 * `operator generate-root`): written to the token file, if one was asked for,
 * and to stdout, both finished before the token is stored. The file is
 * written 0600 through a temp file, flushed to disk and renamed, so it holds
 * a whole token or none, readable by its owner only from the first byte.
 */
import { open, rename, rm } from 'node:fs/promises';
import type { AnnounceRootToken } from '../auth/token-store.js';

export interface FlushableOutput {
  write(text: string, done: (err?: Error | null) => void): unknown;
}

export async function writeTokenFile(path: string, token: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  const handle = await open(temp, 'w', 0o600);
  try {
    await handle.writeFile(token);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

export function rootTokenAnnouncer(stdout: FlushableOutput, tokenFile?: string): AnnounceRootToken {
  return async (token) => {
    if (tokenFile !== undefined) await writeTokenFile(tokenFile, token);
    const where = tokenFile === undefined ? '' : `\nIt is also in ${tokenFile} (mode 0600).\n`;
    const text = `\nRoot token (shown only this once; store it safely):\n\n    ${token}\n${where}\n`;
    await new Promise<void>((resolve, reject) => stdout.write(text, (err) => (err ? reject(err) : resolve())));
  };
}
