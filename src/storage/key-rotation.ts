/**
 * Seal key rotation (Vault's `sys/rotate`): a new data key term, then a
 * background re-encryption of every sealed value to it, then the old terms
 * retired. Works on any backend through the raw part of the Storage contract.
 *
 * The order that keeps every value readable at every moment, also across a
 * kill -9 at any point:
 *
 *   1. the keyring with the new term as active and a `rewrap` record is
 *      stored (sealed with the seal key) before any value is sealed with the
 *      new term; only then does the barrier seal new values with it;
 *   2. `swapRaw([])` waits for every write sealed under the old term that was
 *      still in flight, so from here on old-term values only go away;
 *   3. a pass reads every entry through one consistent view and swaps each
 *      old-term value for the same value sealed with the new term, only where
 *      the stored bytes are still the ones it read (a value written meanwhile
 *      is never replaced by an older one). Each batch lands together with the
 *      keyring's progress (`rewrap.after`), so a restart resumes after the
 *      last batch that landed;
 *   4. passes repeat until one from the first key finds no old-term value;
 *      only then is the keyring stored without the old terms. Until that
 *      write lands the old keys are kept, so a crash leaves every value
 *      openable.
 */
import { randomBytes } from 'node:crypto';
import { ConflictError } from '../errors.js';
import { BarrierOpenError, KEYRING_TERM, LAST_TERM, SEAL_KEY_BYTES, termOf, type Barrier } from './barrier.js';
import { openKeyring, sealKeyring, termKeys, type Keyring } from './keyring.js';
import { layout } from './layout.js';
import { prefixRange, type RawSwap, type Storage } from './storage.js';
import { readRaw } from './unseal.js';

export interface RotationLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface RotationSettings {
  /** Values re-encrypted per swap. */
  batchSize: number;
  /** Milliseconds between two batches: room for requests on a busy server (0: none). */
  pauseMs: number;
}

export const DEFAULT_ROTATION_SETTINGS: RotationSettings = { batchSize: 256, pauseMs: 0 };

/** What `sys/key-status` shows: Vault's three fields, then the re-encryption. */
export interface KeyStatus {
  term: number;
  install_time: string;
  encryptions: number;
  /** Terms that still open values, oldest first. */
  terms: number[];
  /** A re-encryption to `term` still running (or stopped by an error), else null. */
  rewrap: { rewrapped: number; started_at: string; error?: string } | null;
  retired_terms: number[];
}

export class KeyRotation {
  private rotating = false;
  private stopping = false;
  private running: Promise<void> | undefined;

  private constructor(
    private readonly storage: Storage,
    private readonly barrier: Barrier,
    private readonly logger: RotationLogger,
    private readonly settings: RotationSettings,
    private keyring: Keyring,
    private stored: Uint8Array,
  ) {}

  /** For an unsealed storage (unseal.ts has loaded the keyring into the barrier and stored it). */
  static async load(parts: { storage: Storage; barrier: Barrier; logger: RotationLogger; settings?: Partial<RotationSettings> }): Promise<KeyRotation> {
    const stored = await readRaw(parts.storage, layout.keyring);
    if (!stored) throw new Error(`${layout.keyring} is missing from an unsealed storage`);
    const keyring = openKeyring(parts.barrier.sealKey, stored);
    return new KeyRotation(parts.storage, parts.barrier, parts.logger, { ...DEFAULT_ROTATION_SETTINGS, ...parts.settings }, keyring, stored);
  }

  status(): KeyStatus {
    const active = this.keyring.terms.find((entry) => entry.term === this.keyring.active)!;
    const { rewrap } = this.keyring;
    return {
      term: active.term,
      install_time: active.installed_at,
      encryptions: active.encryptions + this.barrier.sealCount(active.term),
      terms: this.keyring.terms.map((entry) => entry.term),
      rewrap: rewrap ? { rewrapped: rewrap.rewrapped, started_at: rewrap.started_at, ...(rewrap.error ? { error: rewrap.error } : {}) } : null,
      retired_terms: this.keyring.retired.map((entry) => entry.term),
    };
  }

  /** Installs a new term and starts re-encrypting to it. */
  async rotate(now = new Date()): Promise<KeyStatus> {
    const { active, rewrap } = this.keyring;
    if (this.rotating || rewrap) {
      throw new ConflictError(`the values of older key terms are still being re-encrypted to term ${active}: rotate again once sys/key-status shows no rewrap`);
    }
    if (active >= LAST_TERM) throw new ConflictError(`the key term cannot pass ${LAST_TERM}`);
    this.rotating = true;
    try {
      const term = active + 1;
      await this.saveKeyring({
        ...this.keyring,
        active: term,
        terms: [...this.keyring.terms, { term, installed_at: now.toISOString(), encryptions: 0, key: randomBytes(SEAL_KEY_BYTES).toString('base64') }],
        rewrap: { started_at: now.toISOString(), rewrapped: 0 },
      });
      this.useKeyring();
      this.logger.info({ term }, 'seal key rotated: new values are sealed with the new term; re-encrypting the rest');
    } finally {
      this.rotating = false;
    }
    this.resume();
    return this.status();
  }

  /** Continues a re-encryption the keyring records (after a restart). */
  resume(): void {
    if (!this.keyring.rewrap || this.running || this.stopping) return;
    this.running = this.rewrap()
      .catch((err: unknown) => this.logger.error({ err }, 'the re-encryption after a seal key rotation stopped; it resumes at the next start'))
      .finally(() => (this.running = undefined));
  }

  /** Resolves once no re-encryption is running. */
  async settled(): Promise<void> {
    await this.running;
  }

  /** Stops a running re-encryption between two batches and records the encryption counts. */
  async close(): Promise<void> {
    this.stopping = true;
    await this.running;
    await this.saveKeyring(this.keyring);
  }

  private async rewrap(): Promise<void> {
    // Nothing sealed with an older term is still on its way to storage.
    await this.storage.swapRaw([]);
    let fromStart = this.keyring.rewrap!.after === undefined;
    for (;;) {
      const pass = await this.rewrapPass(this.keyring.rewrap!.after);
      if (pass === 'stopped') return;
      if (fromStart && pass.found === 0) return this.retireOldTerms();
      if (fromStart && pass.found === pass.unreadable.length) {
        const error = `${pass.unreadable.length} value(s) of an older term would not open (first: ${pass.unreadable[0]})`;
        await this.saveKeyring({ ...this.keyring, rewrap: { ...this.keyring.rewrap!, error } });
        this.logger.error({ unreadable: pass.unreadable.length, first: pass.unreadable[0] }, 'the re-encryption cannot finish: the old key term is kept');
        return;
      }
      fromStart = true;
      this.keyring = { ...this.keyring, rewrap: { ...this.keyring.rewrap!, after: undefined, error: undefined } };
    }
  }

  private async rewrapPass(after: string | undefined): Promise<{ found: number; unreadable: string[] } | 'stopped'> {
    const pass = { found: 0, unreadable: [] as string[] };
    let batch: RawSwap[] = [];
    const flush = async () => {
      await this.commit(batch);
      batch = [];
      if (this.settings.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, this.settings.pauseMs));
    };
    for await (const [key, stored] of this.storage.rawEntries(prefixRange('', { after }))) {
      if (this.stopping) return 'stopped';
      const term = termOf(stored);
      if (term === undefined || term === KEYRING_TERM || term === this.keyring.active) continue;
      pass.found++;
      try {
        batch.push({ key, expected: stored, next: this.barrier.reseal(key, stored) });
      } catch (err) {
        if (!(err instanceof BarrierOpenError)) throw err;
        pass.unreadable.push(key);
        continue;
      }
      if (batch.length >= this.settings.batchSize) await flush();
    }
    if (this.stopping) return 'stopped';
    if (batch.length > 0) await flush();
    return pass;
  }

  /**
   * One batch and the progress it makes, in one swap. A value whose swap does
   * not apply was written meanwhile, so it is sealed with the new term
   * already: it counts as moved.
   */
  private async commit(batch: RawSwap[]): Promise<void> {
    const rewrap = this.keyring.rewrap!;
    await this.saveKeyring({ ...this.keyring, rewrap: { ...rewrap, after: batch.at(-1)!.key, rewrapped: rewrap.rewrapped + batch.length } }, batch);
  }

  private async retireOldTerms(): Promise<void> {
    const now = new Date().toISOString();
    const old = this.keyring.terms.filter((entry) => entry.term !== this.keyring.active);
    await this.saveKeyring({
      active: this.keyring.active,
      terms: this.keyring.terms.filter((entry) => entry.term === this.keyring.active),
      retired: [...this.keyring.retired, ...old.map((entry) => ({ term: entry.term, retired_at: now }))],
    });
    this.useKeyring();
    this.logger.info({ term: this.keyring.active, retired: old.map((entry) => entry.term) }, 'seal key re-encryption finished: the old key terms are retired');
  }

  /**
   * Stores `next` in place of the keyring read last (compare-and-swap), with
   * this process's encryption counts added, together with `more` swaps.
   * Returns the keys that applied, the keyring's included.
   */
  private async saveKeyring(next: Keyring, more: RawSwap[] = []): Promise<string[]> {
    const counted: Keyring = { ...next, terms: next.terms.map((entry) => ({ ...entry, encryptions: entry.encryptions + this.barrier.takeSealCount(entry.term) })) };
    const sealed = sealKeyring(this.barrier.sealKey, counted);
    const applied = await this.storage.swapRaw([{ key: layout.keyring, expected: this.stored, next: sealed }, ...more]);
    if (!applied.includes(layout.keyring)) throw new ConflictError(`${layout.keyring} was changed by another writer`);
    this.keyring = counted;
    this.stored = sealed;
    return applied;
  }

  private useKeyring(): void {
    this.barrier.useTerms(termKeys(this.barrier.sealKey, this.keyring), this.keyring.active);
  }
}
