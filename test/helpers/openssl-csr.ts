import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';
import { openssl } from './openssl.js';
import { tempDir } from './temp-dir.js';

/**
 * A key and CSR made by the real openssl binary, as a cert-manager or hvac
 * user would bring them: a new key (`rsa:2048`, `ec:P-256`) or, given a PEM
 * key, a new request signed with it.
 */
export async function opensslCsr(
  t: Test,
  commonName: string,
  sans: string[] = [],
  key = 'rsa:2048',
): Promise<{ csr: string; privateKey: string }> {
  const dir = await tempDir(t, 'csr');
  let keyArgs = key.startsWith('ec:') ? ['-newkey', 'ec', '-pkeyopt', `ec_paramgen_curve:${key.slice(3)}`] : ['-newkey', key];
  if (key.includes('PRIVATE KEY')) {
    await writeFile(join(dir, 'key.pem'), key);
    keyArgs = ['-key', 'key.pem'];
  }
  const args = ['req', '-new', ...keyArgs, '-nodes', ...(keyArgs[0] === '-key' ? [] : ['-keyout', 'key.pem']), '-subj', `/CN=${commonName}`, '-out', 'req.pem'];
  if (sans.length > 0) args.push('-addext', `subjectAltName=${sans.join(',')}`);
  const made = await openssl(args, '', { cwd: dir });
  if (made.code !== 0) throw new Error(`openssl req: ${made.stderr}`);
  return { csr: await readFile(join(dir, 'req.pem'), 'utf8'), privateKey: await readFile(join(dir, 'key.pem'), 'utf8') };
}
