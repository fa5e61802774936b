/**
 * A PKCS#12 key store as the real openssl reads it (`openssl pkcs12 -info
 * -nodes`): what a Java or Windows host will find in it.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openssl } from './openssl.js';

export interface OpenedPkcs12 {
  code: number;
  /** openssl's own words (MAC, bag kinds) and errors. */
  info: string;
  certificates: string[];
  privateKey: string | undefined;
  friendlyNames: string[];
}

/** `p12` is a file, or the key store's bytes (written to `scratchDir` first). */
export async function openPkcs12(p12: string | Buffer, password: string, scratchDir?: string): Promise<OpenedPkcs12> {
  let file = p12 as string;
  if (Buffer.isBuffer(p12)) {
    file = join(scratchDir ?? '.', `opened-${Date.now()}-${Math.random().toString(36).slice(2)}.p12`);
    await writeFile(file, p12);
  }
  // The password through the environment, as a careful operator passes it.
  const result = await openssl(['pkcs12', '-in', file, '-nodes', '-info', '-passin', 'env:P12_PASSWORD'], '', { env: { P12_PASSWORD: password } });
  const blocks = (label: string) => [...result.stdout.matchAll(new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----\\n?`, 'g'))].map((m) => m[0]);
  return {
    code: result.code,
    info: result.stderr,
    certificates: blocks('CERTIFICATE'),
    privateKey: blocks('PRIVATE KEY')[0],
    friendlyNames: [...result.stdout.matchAll(/friendlyName: (.*)/g)].map((m) => m[1].trim()),
  };
}
