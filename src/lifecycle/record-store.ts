/**
 * Certificate records in storage under `cert/<config>/<cert_unique_id>`, with
 * their index entries (record-index.ts).
 * Every change that touches two records (renew marks the old one and creates
 * the new one) goes through `save`, which writes them in one batch: a crash
 * never leaves a `Renewed` record pointing at nothing.
 */
import { createHash } from 'node:crypto';
import { layout, parseTimedKey, type DueKind } from '../storage/layout.js';
import { prefixRange, type BatchOp, type JsonPage, type Storage } from '../storage/storage.js';
import { dueEntriesOf, serialHex, summaryOf, type RecordSummary, type SerialEntry } from './record-index.js';
import { NotFoundError } from '../errors.js';
import type { Locks } from './locks.js';
import type { CertificateRecord } from './record.js';

/** Bumped when the index layout changes: ensureIndexed rebuilds it. */
const INDEX_VERSION = 2;

/** Renew chains are short; this only stops a corrupted loop of links. */
const MAX_RENEW_HOPS = 64;

/**
 * A record as stored: its CA chain (the same few certificates for thousands
 * of records) lives once under `chain/<sha256>` and the record names it.
 * Records written before that carry `ca_chain` themselves and read as before.
 */
type StoredRecord = Omit<CertificateRecord, 'ca_chain'> & { ca_chain: string[]; ca_chain_ref?: string };

function storedForm(record: CertificateRecord): { value: StoredRecord; chain?: { ref: string; certificates: string[] } } {
  if (record.ca_chain.length === 0) return { value: record };
  const ref = createHash('sha256').update(record.ca_chain.join('\n')).digest('hex');
  return { value: { ...record, ca_chain: [], ca_chain_ref: ref }, chain: { ref, certificates: record.ca_chain } };
}

/** What a due entry carries besides its time: how long the last wait was, for backing off. */
export interface DueValue {
  delay_ms?: number;
}

export interface DueRecord extends DueValue {
  config: string;
  id: string;
  atMs: number;
}

/** What `update` writes: the changed record(s) and any related operations, in one batch. */
export interface RecordChange {
  records: CertificateRecord[];
  extra?: BatchOp[];
}

export class RecordStore {
  /** Records with their chain put back, by the frozen stored value they came from. */
  private readonly hydrated = new WeakMap<StoredRecord, CertificateRecord>();
  /** Chains written by this process; a chain is written again after a restart, harmlessly. */
  private readonly storedChains = new Set<string>();

  constructor(
    private readonly storage: Storage,
    private readonly locks: Locks,
    /** Each stored state change at `debug`. */
    private readonly logger?: { debug(obj: object, msg: string): void },
  ) {}

  async get(config: string, id: string): Promise<CertificateRecord | undefined> {
    const stored = await this.storage.get<StoredRecord>(layout.record(config, id));
    if (!stored?.ca_chain_ref) return stored as CertificateRecord | undefined;
    const known = this.hydrated.get(stored);
    if (known) return known;
    const { ca_chain_ref: ref, ...record } = stored;
    const whole: CertificateRecord = { ...record, ca_chain: (await this.storage.get<string[]>(layout.chain(ref))) ?? [] };
    // A cached (frozen) stored value gives the same frozen record every time, so its answer is serialised once.
    if (!Object.isFrozen(stored)) return whole;
    Object.freeze(whole);
    this.hydrated.set(stored, whole);
    return whole;
  }

  async require(config: string, id: string): Promise<CertificateRecord> {
    const record = await this.get(config, id);
    if (!record) throw new NotFoundError(`certificate "${id}" not found under config "${config}"`);
    return record;
  }

  /**
   * Writes the records, their index entries (record-index.ts) and any extra
   * operations atomically: an index never points at a record state that was
   * not stored, and a stored state is never missing from the index.
   */
  async save(records: CertificateRecord[], extra: BatchOp[] = []): Promise<void> {
    const now = Date.now();
    const ops: BatchOp[] = [];
    const newChains: string[] = [];
    for (const record of records) {
      const { value, chain } = storedForm(record);
      if (chain && !this.storedChains.has(chain.ref)) {
        ops.push({ type: 'put', key: layout.chain(chain.ref), value: chain.certificates });
        newChains.push(chain.ref);
      }
      ops.push({ type: 'put', key: layout.record(record.config_name, record.cert_unique_id), value });
      ops.push(...(await this.indexOps(record, now)));
    }
    await this.storage.batch([...ops, ...extra]);
    for (const ref of newChains) this.storedChains.add(ref);
    for (const record of records) {
      const [from, to] = [record.state.at(-2)?.status, record.state.at(-1)?.status];
      this.logger?.debug({ config: record.config_name, cert_unique_id: record.cert_unique_id, from, to }, 'record stored');
    }
  }

  /**
   * Read-modify-write of one record, serialised with every other `update` of
   * it (the lifecycle's exclusive lock). `change` sees the stored record as it is now and
   * returns what to write (the record itself first), or undefined to leave it.
   * Resolves to the record as stored afterwards.
   */
  update(
    config: string,
    id: string,
    change: (current: CertificateRecord) => RecordChange | undefined | Promise<RecordChange | undefined>,
  ): Promise<CertificateRecord> {
    return this.locks.exclusive(`record:${config}/${id}`, async () => {
      const current = await this.require(config, id);
      const result = await change(current);
      if (!result) return current;
      await this.save(result.records, result.extra);
      return result.records.find((r) => r.cert_unique_id === id) ?? current;
    });
  }

  async delete(config: string, id: string): Promise<void> {
    const due = await this.indexKeys(config, id);
    await this.storage.batch([
      { type: 'del', key: layout.record(config, id) },
      { type: 'del', key: layout.recordSummary(config, id) },
      { type: 'del', key: layout.recordDue(config, id) },
      ...due.map((key) => ({ type: 'del' as const, key })),
    ]);
  }

  list(config: string): Promise<string[]> {
    return this.storage.list(layout.records(config));
  }

  summary(config: string, id: string): Promise<RecordSummary | undefined> {
    return this.storage.getClear<RecordSummary>(layout.recordSummary(config, id));
  }

  /** The configs that hold any record (a deleted config's records stay until deleted themselves). */
  async configsWithRecords(): Promise<string[]> {
    return (await this.storage.list(layout.recordConfigs)).map((dir) => dir.replace(/\/$/, ''));
  }

  /** The record a serial belongs to, from the serial index; undefined for an unknown or malformed serial. */
  async bySerial(serial: string): Promise<CertificateRecord | undefined> {
    const hex = serialHex(serial);
    const entry = hex === undefined ? undefined : await this.storage.getClear<SerialEntry>(layout.serial(hex));
    return entry && this.get(entry.config, entry.id);
  }

  /** Every indexed serial (lower-case hex) with its record's config and id, in serial order. */
  async *serials(): AsyncGenerator<SerialEntry & { serial: string }> {
    for await (const [key, entry] of this.storage.range<SerialEntry>(prefixRange(layout.serials))) {
      yield { serial: key.slice(layout.serials.length), ...entry };
    }
  }

  /** The index keys (due and serial) the record has now. */
  async indexKeys(config: string, id: string): Promise<string[]> {
    return (await this.storage.getClear<string[]>(layout.recordDue(config, id))) ?? [];
  }

  /** Summaries of a config's records in id order, as stored JSON text, from the index: no record is read. */
  async *summaries(config: string, page: { after?: string; limit?: number } = {}): AsyncGenerator<JsonPage> {
    const prefix = layout.recordSummaries(config);
    const after = page.after === undefined ? undefined : prefix + page.after;
    for await (const entries of this.storage.rangeJsonPages(prefixRange(prefix, { after, limit: page.limit }))) {
      yield entries.map(([key, json]) => [key.slice(prefix.length), json] as const);
    }
  }

  /** Every config's summaries, from the index: no record is read (metrics count the estate with it). */
  async *allSummaries(): AsyncGenerator<{ config: string; summary: RecordSummary }> {
    const prefix = layout.allRecordSummaries;
    for await (const [key, summary] of this.storage.range<RecordSummary>(prefixRange(prefix))) {
      yield { config: key.slice(prefix.length, key.indexOf('/', prefix.length)), summary };
    }
  }

  /** How many records' `kind` of background work is due by `untilMs`. */
  async countDue(kind: DueKind, untilMs: number): Promise<number> {
    let count = 0;
    for await (const _entry of this.storage.range({ gte: layout.dueKind(kind), lt: layout.dueUntil(kind, untilMs) })) count++;
    return count;
  }

  /** Records whose `kind` of background work is due by `untilMs`, earliest first. */
  async *due(kind: DueKind, untilMs: number): AsyncGenerator<DueRecord> {
    const prefix = layout.dueKind(kind);
    for await (const [key, value] of this.storage.range<DueValue>({ gte: prefix, lt: layout.dueUntil(kind, untilMs) })) {
      yield { ...parseTimedKey(key, prefix), ...value };
    }
  }

  /**
   * Moves a record's `kind` entry to `atMs` without changing the record (the
   * collector backing off, the renewer waiting after a failure). Nothing
   * happens when the record no longer calls for that work.
   */
  reschedule(config: string, id: string, kind: DueKind, atMs: number, value: DueValue = {}): Promise<void> {
    return this.locks.exclusive(`record:${config}/${id}`, async () => {
      const due = await this.indexKeys(config, id);
      const kindPrefix = layout.dueKind(kind);
      const old = due.find((key) => key.startsWith(kindPrefix));
      if (!old) return;
      const key = layout.due(kind, atMs, config, id);
      await this.storage.batch([
        { type: 'del', key: old },
        { type: 'putClear', key, value },
        { type: 'putClear', key: layout.recordDue(config, id), value: due.map((k) => (k === old ? key : k)) },
      ]);
    });
  }

  /**
   * Builds the index entries of records stored before this index layout
   * existed; a store that has them already is left alone.
   */
  async ensureIndexed(): Promise<number> {
    if ((await this.storage.getClear<number>(layout.indexVersion)) === INDEX_VERSION) return 0;
    let indexed = 0;
    const now = Date.now();
    for (const config of await this.configsWithRecords()) {
      let ops: BatchOp[] = [];
      for (const id of await this.list(config)) {
        const record = await this.get(config, id);
        if (!record) continue;
        ops.push(...(await this.indexOps(record, now)));
        indexed++;
        if (ops.length >= 1_000) {
          await this.storage.batch(ops);
          ops = [];
        }
      }
      await this.storage.batch(ops);
    }
    await this.storage.batch([{ type: 'putClear', key: layout.indexVersion, value: INDEX_VERSION }]);
    return indexed;
  }

  /**
   * The record's summary, due entries and serial entry, replacing those of the
   * version stored before (a replace re-issues under the same id with a new serial).
   */
  private async indexOps(record: CertificateRecord, now: number): Promise<BatchOp[]> {
    const { config_name: config, cert_unique_id: id } = record;
    const previous = await this.indexKeys(config, id);
    const due = dueEntriesOf(record, now).map((entry) => layout.due(entry.kind, entry.atMs, config, id));
    const hex = serialHex(record.serial_number);
    const serial = hex === undefined ? [] : [layout.serial(hex)];
    const keys = [...due, ...serial];
    const stale = previous.filter((key) => !keys.includes(key));
    return [
      ...stale.map((key) => ({ type: 'del' as const, key })),
      ...due.map((key) => ({ type: 'putClear' as const, key, value: {} })),
      ...serial.map((key) => ({ type: 'putClear' as const, key, value: { config, id } satisfies SerialEntry })),
      { type: 'putClear', key: layout.recordSummary(config, id), value: summaryOf(record) },
      { type: 'putClear', key: layout.recordDue(config, id), value: keys },
    ];
  }

  /**
   * Follows `renewed_to` links so an application can keep reading one stable
   * id. `hops` > 0 means the caller asked for a superseded record.
   */
  async newest(config: string, id: string): Promise<{ record: CertificateRecord; hops: number }> {
    let record = await this.require(config, id);
    let hops = 0;
    while (record.renewed_to && hops < MAX_RENEW_HOPS) {
      const next = await this.get(config, record.renewed_to);
      if (!next) break;
      record = next;
      hops++;
    }
    return { record, hops };
  }
}
