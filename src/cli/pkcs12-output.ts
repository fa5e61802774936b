/**
 * `-pkcs12-out=FILE` on `read` and `write`: the record the server answered
 * (certs/, fetch/, enroll/ …) is written as a PKCS#12 key store here, on the
 * client, so the key store's password never crosses the wire. The password
 * comes from a file or the environment, never from the command line, where
 * `ps` and shell history would show it.
 */
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UserError } from '../errors.js';
import type { CertificateRecord } from '../lifecycle/record.js';
import type { Pkcs12Encryption } from '../pki/index.js';
import type { ParsedCommand, Terminal } from './command-context.js';
import { LocalError } from './local-error.js';
import type { Secret } from './vault-client.js';

export const PKCS12_FLAGS = ['pkcs12-out', 'pkcs12-password-file', 'pkcs12-name', 'pkcs12-encryption'];
export const PKCS12_PASSWORD_ENV = 'SCMPKI_PKCS12_PASSWORD';

export const PKCS12_USAGE = `
  -pkcs12-out=FILE writes the answered record as a PKCS#12 key store (key,
  certificate, chain; mode 0600) instead of printing it. Its password comes
  from -pkcs12-password-file=FILE or ${PKCS12_PASSWORD_ENV}; -pkcs12-name=ALIAS
  sets the friendly name (default: cert_unique_id); -pkcs12-encryption=3des
  for older Windows and Java (default aes256).`;

/** A password file's content without the line end an editor or `echo` adds. */
export async function readPasswordFile(file: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new LocalError(`${what}: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  const password = text.replace(/\r?\n$/, '');
  if (!password) throw new LocalError(`${what}: ${file} is empty`);
  return password;
}

export function parseEncryption(value: unknown, what: string): Pkcs12Encryption | undefined {
  if (value === undefined) return undefined;
  if (value === 'aes256' || value === '3des') return value;
  throw new LocalError(`${what}: must be aes256 or 3des`);
}

/** Undefined when -pkcs12-out was not given (the caller prints as usual); else the exit code. */
export async function writePkcs12IfAsked(term: Terminal, parsed: ParsedCommand, secret: Secret): Promise<number | undefined> {
  const out = parsed.flags['pkcs12-out'] as string | undefined;
  if (out === undefined) return undefined;
  const record = secret.data as unknown as CertificateRecord | undefined;
  if (!record?.cert_unique_id) throw new LocalError('-pkcs12-out: the answer is not a certificate record');
  const passwordFile = parsed.flags['pkcs12-password-file'] as string | undefined;
  const password = passwordFile ? await readPasswordFile(passwordFile, '-pkcs12-password-file') : term.env[PKCS12_PASSWORD_ENV];
  if (!password) throw new LocalError(`-pkcs12-out: the key store needs a password: -pkcs12-password-file=FILE or ${PKCS12_PASSWORD_ENV}`);
  const friendlyName = (parsed.flags['pkcs12-name'] as string | undefined) || record.cert_unique_id;
  let pkcs12: Buffer;
  try {
    // Loaded only for -pkcs12-out: every other read and write starts without pki.
    const { pkcs12OfRecord } = await import('../lifecycle/key-store.js');
    pkcs12 = await pkcs12OfRecord(record, password, friendlyName, parseEncryption(parsed.flags['pkcs12-encryption'], '-pkcs12-encryption'));
  } catch (err) {
    if (err instanceof UserError) throw new LocalError(`-pkcs12-out: ${err.message}`);
    throw err;
  }
  await writePrivateFile(out, pkcs12);
  term.stderr.write(`PKCS#12 key store of ${record.cert_unique_id} (friendly name ${friendlyName}) written to ${out}\n`);
  return 0;
}

/** Created 0600 under a temp name and renamed: never readable by others, never half-written. */
async function writePrivateFile(path: string, content: Buffer): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(content);
      await handle.chmod(0o600);
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw new LocalError(`-pkcs12-out: cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}
