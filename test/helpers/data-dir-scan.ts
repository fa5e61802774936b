import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)])));
  return nested.flat();
}

/** Asserts no file under `dir` holds `secret` as text, base64, base64url, hex or UTF-16. */
export async function assertNotInDataDir(t: Test, dir: string, secret: string): Promise<void> {
  const forms = [
    Buffer.from(secret, 'utf8'),
    Buffer.from(Buffer.from(secret).toString('base64')),
    Buffer.from(Buffer.from(secret).toString('base64url')),
    Buffer.from(Buffer.from(secret).toString('hex')),
    Buffer.from(secret, 'utf16le'),
  ];
  const files = await filesUnder(dir);
  t.ok(files.length > 2, 'the data dir holds the database and the seal key');
  for (const file of files) {
    const bytes = await readFile(file);
    for (const form of forms) t.notOk(bytes.includes(form), `${file.slice(dir.length)} does not contain ${form.toString('latin1').slice(0, 12)}…`);
  }
}
