/**
 * Several test files in one process. What a test file costs before its first
 * assertion is mostly node starting and loading the server's modules through
 * tsx (1–2.5 CPU-s); a suite (`test/suites/*.suite.ts`) pays it once for the
 * files it lists and runs them one after another, each in a subtest of its
 * own named by its path.
 *
 * A test file registers its tests, hooks and teardowns on `t` from here, not
 * on tap's root: `t` is the root when the file runs alone
 * (`npx tap test/engine/fetch.test.ts`) and the file's own subtest while a
 * suite runs it, so a file's `afterEach` applies to its own tests only and
 * its teardown (a server, a harness with background loops) runs as soon as
 * its tests are done, not when the whole suite is.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import tap, { type Test } from 'tap';

// A live binding: a test file's top-level code reads the value runSuite set.
export let t: Test = tap;

/** Runs `files` (relative to the suite file at `suiteUrl`) in order, each in its own subtest. */
export async function runSuite(suiteUrl: string, files: readonly string[]): Promise<void> {
  const testRoot = fileURLToPath(new URL('..', import.meta.url));
  for (const file of files) {
    const url = new URL(file, suiteUrl);
    await tap.test(relative(testRoot, fileURLToPath(url)), async (fileTest) => {
      t = fileTest;
      await import(url.href);
    });
  }
  t = tap;
}
