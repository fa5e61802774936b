/**
 * ~/.vault-token, the token helper file shared with the `vault` CLI. It holds
 * a credential, so it is written 0600 through a temp file and a rename: a
 * reader never sees a half-written token and the mode is right from the start.
 */
import { rename, writeFile } from 'node:fs/promises';
import { tokenFilePath } from './client-config.js';

export async function storeToken(token: string, env: NodeJS.ProcessEnv): Promise<string> {
  const file = tokenFilePath(env);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, token, { mode: 0o600 });
  await rename(temp, file);
  return file;
}
