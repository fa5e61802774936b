import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';
import { postgresDumpOf } from './test-storage.js';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)])));
  return nested.flat();
}

/** `secret` as text, base64, base64url, hex and UTF-16. */
function secretForms(secret: string): Buffer[] {
  return [
    Buffer.from(secret, 'utf8'),
    Buffer.from(Buffer.from(secret).toString('base64')),
    Buffer.from(Buffer.from(secret).toString('base64url')),
    Buffer.from(Buffer.from(secret).toString('hex')),
    Buffer.from(secret, 'utf16le'),
  ];
}

function assertNotInBytes(t: Test, bytes: Buffer, secret: string, label: string): void {
  for (const form of secretForms(secret)) t.notOk(bytes.includes(form), `${label} does not contain ${form.toString('latin1').slice(0, 12)}…`);
}

/** Asserts `file` does not hold `secret` in any of those forms; `label` names it in the assertion. */
export async function assertNotInFile(t: Test, file: string, secret: string, label = file): Promise<void> {
  assertNotInBytes(t, await readFile(file), secret, label);
}

/**
 * Asserts no file under `dir` holds `secret` as text, base64, base64url, hex
 * or UTF-16; on the PostgreSQL backend, nor does a `pg_dump` of the data
 * dir's database (which shows bytea as hex).
 */
export async function assertNotInDataDir(t: Test, dir: string, secret: string): Promise<void> {
  const files = await filesUnder(dir);
  const dump = await postgresDumpOf(dir);
  if (dump) {
    t.ok(dump.includes('COPY public.scmpki_kv'), 'the dump holds the store');
    assertNotInBytes(t, dump, secret, 'pg_dump of the database');
  } else {
    t.ok(files.length > 2, 'the data dir holds the database and the seal key');
  }
  for (const file of files) await assertNotInFile(t, file, secret, file.slice(dir.length));
}
