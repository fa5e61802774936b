/**
 * tap runs the suites (test/suites/*.suite.ts, helpers/suite.ts), not the
 * test files: every test file must be listed in exactly one suite, or it
 * would never run, and every listed file must exist.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { REPO } from '../helpers/repo-root.js';
import { t } from '../helpers/suite.js';

const SUITES = join(REPO, 'test/suites');

async function listedFiles(): Promise<string[]> {
  const listed: string[] = [];
  for (const name of (await readdir(SUITES)).filter((file) => file.endsWith('.suite.ts'))) {
    const text = await readFile(join(SUITES, name), 'utf8');
    for (const [, file] of text.matchAll(/'(\.\.\/[^']+\.test\.ts)'/g)) listed.push(relative(REPO, resolve(SUITES, file!)));
  }
  return listed;
}

t.test('every test file runs in exactly one suite, and every listed file exists', async (t) => {
  const listed = await listedFiles();
  const files = (await readdir(join(REPO, 'test'), { recursive: true })).filter((file) => file.endsWith('.test.ts')).map((file) => `test/${file}`);
  t.ok(files.length > 100, `${files.length} test files`);
  t.same(listed.filter((file, i) => listed.indexOf(file) !== i), [], 'no file is in two suites');
  t.same([...new Set(listed)].sort(), files.sort());
});
