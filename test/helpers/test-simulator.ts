import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';
import { CertificateAuthority } from '../../src/simulator/ca.js';
import { startSimulator, type CaMaterial, type Simulator, type SimulatorOptions } from '../../src/simulator/index.js';
import { REPO } from './repo-root.js';

const CA_SOURCE = join(REPO, 'src/simulator/ca.ts');
const CACHE_DIR = join(REPO, 'node_modules/.cache/scmpki-tests');
const YEAR_MS = 365 * 86_400_000;

let sharedCa: Promise<CaMaterial> | undefined;

/**
 * One simulator CA for the whole test run: making one costs two RSA key
 * generations, so the first test process to need it makes it and keeps it in
 * `node_modules/.cache` (named by the CA code it came from, so a change to
 * that code makes a new one), and the others load it. A test that needs a CA
 * of its own passes `ca` itself.
 */
export function testSimulatorCa(): Promise<CaMaterial> {
  return (sharedCa ??= cachedCa());
}

async function cachedCa(): Promise<CaMaterial> {
  const version = createHash('sha256').update(await readFile(CA_SOURCE)).digest('hex').slice(0, 16);
  const file = join(CACHE_DIR, `simulator-ca-${version}.json`);
  const kept = await readFile(file, 'utf8')
    .then((text) => JSON.parse(text) as CaMaterial)
    .catch(() => undefined);
  if (kept && (await usable(kept))) return kept;
  const made = await (await CertificateAuthority.generate()).export();
  await mkdir(CACHE_DIR, { recursive: true });
  const partial = `${file}.${process.pid}`;
  await writeFile(partial, JSON.stringify(made));
  await rename(partial, file);
  return made;
}

/** Loads, and its intermediate has more than a year to run. */
async function usable(material: CaMaterial): Promise<boolean> {
  try {
    const ca = await CertificateAuthority.load(material);
    return ca.intermediate.notAfter.getTime() - Date.now() > YEAR_MS;
  } catch {
    return false;
  }
}

/** A real SCM simulator on 127.0.0.1:0 (issuing at once unless told otherwise), closed when the test ends. */
export async function startTestSimulator(t: Test, options: SimulatorOptions = {}): Promise<Simulator> {
  const sim = await startSimulator({ issueDelayMs: 0, ca: await testSimulatorCa(), ...options });
  t.teardown(() => sim.close());
  return sim;
}
