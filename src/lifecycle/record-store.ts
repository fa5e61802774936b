/**
 * Certificate records in storage under `cert/<config>/<cert_unique_id>`.
 * Every change that touches two records (renew marks the old one and creates
 * the new one) goes through `save`, which writes them in one batch: a crash
 * never leaves a `Renewed` record pointing at nothing.
 */
import { layout } from '../storage/layout.js';
import type { BatchOp, Storage } from '../storage/storage.js';
import { NotFoundError } from '../errors.js';
import type { Locks } from './locks.js';
import type { CertificateRecord } from './record.js';

export interface RecordRef {
  config: string;
  id: string;
}

/** Renew chains are short; this only stops a corrupted loop of links. */
const MAX_RENEW_HOPS = 64;

/** What `update` writes: the changed record(s) and any related operations, in one batch. */
export interface RecordChange {
  records: CertificateRecord[];
  extra?: BatchOp[];
}

export class RecordStore {
  constructor(
    private readonly storage: Storage,
    private readonly locks: Locks,
  ) {}

  get(config: string, id: string): Promise<CertificateRecord | undefined> {
    return this.storage.get<CertificateRecord>(layout.record(config, id));
  }

  async require(config: string, id: string): Promise<CertificateRecord> {
    const record = await this.get(config, id);
    if (!record) throw new NotFoundError();
    return record;
  }

  /** Writes the records (and any extra operations) atomically. */
  save(records: CertificateRecord[], extra: BatchOp[] = []): Promise<void> {
    const ops: BatchOp[] = records.map((r) => ({ type: 'put', key: layout.record(r.config_name, r.cert_unique_id), value: r }));
    return this.storage.batch([...ops, ...extra]);
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

  delete(config: string, id: string): Promise<void> {
    return this.storage.delete(layout.record(config, id));
  }

  list(config: string): Promise<string[]> {
    return this.storage.list(layout.records(config));
  }

  /** Every record of every config, for the background collector and renewer. */
  async *scan(): AsyncGenerator<CertificateRecord> {
    for (const dir of await this.storage.list(layout.recordConfigs)) {
      const config = dir.replace(/\/$/, '');
      for (const id of await this.list(config)) {
        const record = await this.get(config, id);
        if (record) yield record;
      }
    }
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
