import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';

/** A fresh directory under the OS temp dir, removed when the test ends. */
export async function tempDir(t: Test, label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `scmpki-${label}-`));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
