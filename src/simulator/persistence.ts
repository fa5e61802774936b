/**
 * The data dir: one JSON file holding the CA and all orders, replaced
 * atomically (write a temp file, then rename) so a crash never leaves half a
 * file. It holds the CA's private keys, hence mode 0600.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaMaterial } from './ca.js';
import type { StateSnapshot } from './state.js';

export interface PersistedSimulator {
  version: 1;
  ca: CaMaterial;
  state: StateSnapshot;
}

const FILE_NAME = 'scm-simulator.json';

export class StateFile {
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly dir: string) {}

  async load(): Promise<PersistedSimulator | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.dir, FILE_NAME), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const parsed = JSON.parse(text) as PersistedSimulator;
    if (parsed.version !== 1) throw new Error(`${FILE_NAME}: unsupported version ${String(parsed.version)}`);
    return parsed;
  }

  /** Saves are chained so two overlapping requests cannot interleave their renames. */
  save(snapshot: () => Promise<PersistedSimulator>): Promise<void> {
    this.queue = this.queue.then(async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const target = join(this.dir, FILE_NAME);
      const temp = `${target}.${process.pid}.tmp`;
      await writeFile(temp, JSON.stringify(await snapshot()), { mode: 0o600 });
      await rename(temp, target);
    });
    return this.queue;
  }
}
