/**
 * Sync: reconcile an `Issued` record with what SCM says about it now. SCM's
 * web UI can revoke a certificate or re-issue it under the same id (new
 * serial, new expiry) without scmpki hearing of it, and auto-renew decisions
 * taken on the stale copy would be wrong. SSL asks `GET /ssl/v1/{sslId}` and
 * collects only when the serial differs; client certificates have no details
 * call in our SCM client, so their collect answers both questions.
 */
import { ConflictError, UpstreamError, UserError } from '../errors.js';
import { ScmError } from '../scm/errors.js';
import { recordAfterCollect } from './collect-loop.js';
import { scmRefusal } from './scm-refusal.js';
import {
  KEY_MISMATCH_CODE,
  currentStatus,
  shouldCollectOnRead,
  withFault,
  withState,
  type CertificateRecord,
  type StateEntry,
} from './record.js';
import { collectForRequest, type CollectRequest } from './collect-record.js';
import { sameSerial } from './record-index.js';
import type { ConfigEntry } from './config-store.js';
import type { Deps, LifecycleResult, ScmAccess } from './services.js';
import type { ScmOrders } from './scm-orders.js';

export type SyncDeps = Deps<'configs' | 'records' | 'locks' | 'scm' | 'limits' | 'logger'>;

export type SyncChange = 'unchanged' | 'reissued' | 'revoked' | 'key_mismatch';

export interface SyncOutcome extends LifecycleResult {
  change: SyncChange;
}

/** How SCM refuses to hand out a revoked certificate: -110 (reference table), -192 (S/MIME, seen in the field). */
const REVOKED_COLLECT_CODES: ReadonlySet<number> = new Set([-110, -192]);

/** What SCM says about the certificate, before it is compared with the record. */
type ScmView =
  | { kind: 'revoked'; detail: Pick<StateEntry, 'code' | 'description'> }
  | { kind: 'issued'; status: string; body?: string }
  /** SCM is between certificates (a re-issue under way): its status, or its "not ready" words. */
  | { kind: 'unsettled'; status: string };

/** Serials as SCM writes them (`0A:1B:…`) and as records hold them compare equal. */
async function collectView(orders: ScmOrders, record: CertificateRecord, classify: ScmAccess['classifyCollectError']): Promise<ScmView> {
  try {
    return { kind: 'issued', status: 'Issued', body: await orders.collect(record) };
  } catch (error) {
    if (error instanceof ScmError && REVOKED_COLLECT_CODES.has(error.code)) {
      return { kind: 'revoked', detail: { code: error.code, description: error.description } };
    }
    // "Not ready" from a reachable SCM: a re-issue (replace in the web UI) is under way.
    const answered = error instanceof ScmError && !error.transport && error.httpStatus < 500 && error.httpStatus !== 429;
    if (answered && classify(error) === 'pending') return { kind: 'unsettled', status: error.description };
    throw scmRefusal(error) ?? error;
  }
}

async function askScm(scm: ScmAccess, config: ConfigEntry, record: CertificateRecord): Promise<ScmView> {
  const orders = scm.ordersFor(config);
  if (record.certificate_type === 'client_cert') return collectView(orders, record, scm.classifyCollectError);
  let details;
  try {
    details = await orders.sslDetails(record.ssl_id as number);
  } catch (error) {
    throw scmRefusal(error) ?? error;
  }
  if (details.status === 'Revoked') {
    const when = details.revoked ? ` on ${details.revoked}` : '';
    const reason = details.reasonCode !== undefined ? `, reason code ${details.reasonCode}` : '';
    return { kind: 'revoked', detail: { description: `revoked at SCM${when}${reason}` } };
  }
  if (details.status !== 'Issued' && details.status !== 'Expired') return { kind: 'unsettled', status: details.status };
  if (details.serialNumber !== undefined && sameSerial(details.serialNumber, record.serial_number)) return { kind: 'issued', status: details.status };
  const view = await collectView(orders, record, scm.classifyCollectError);
  return view.kind === 'issued' ? { ...view, status: details.status } : view;
}

function expiryWarning(record: CertificateRecord, scmStatus: string, now: Date): string[] {
  const expired = scmStatus === 'Expired' || Date.parse(record.not_after) <= now.getTime();
  if (!expired) return [];
  return [
    `certificate ${record.cert_unique_id} expired on ${record.not_after} (SCM status ${scmStatus}); ` +
      `the record keeps it as Issued: renew it with renew/${record.config_name}/${record.cert_unique_id}`,
  ];
}

/** The record SCM's view makes of `current`, and what to tell the caller. */
function reconcile(current: CertificateRecord, view: ScmView, now: Date): SyncOutcome {
  const id = current.cert_unique_id;
  if (view.kind === 'unsettled') {
    return {
      change: 'unchanged',
      record: current,
      warnings: [`SCM has no certificate to hand out for ${id} right now (${view.status}); the record was left as it is. Sync again later`],
    };
  }
  if (view.kind === 'revoked') {
    return {
      change: 'revoked',
      record: withState(current, 'Revoked', view.detail, now),
      warnings: [`certificate ${id} was revoked at SCM (${view.detail.description}); the record is now Revoked`],
    };
  }
  if (view.body === undefined) return { change: 'unchanged', record: current, warnings: expiryWarning(current, view.status, now) };
  const collected = recordAfterCollect(current, { kind: 'issued', body: view.body }, true);
  if (currentStatus(collected) === 'Issued' && collected.serial_number === current.serial_number) {
    return { change: 'unchanged', record: current, warnings: expiryWarning(current, view.status, now) };
  }
  if (collected.last_error?.code === KEY_MISMATCH_CODE) {
    const description = `SCM re-issued certificate ${id} for a key scmpki does not hold; the stored certificate and key were kept`;
    return {
      change: 'key_mismatch',
      record: withFault(current, { code: KEY_MISMATCH_CODE, description }),
      warnings: [`${description}. Replace it (replace/${current.config_name}/${id}) to get a certificate for a new key`],
    };
  }
  if (currentStatus(collected) !== 'Issued') {
    // SCM's body was unreadable: the stored certificate is still the better one.
    throw new UpstreamError(`SCM's certificate for ${id} could not be used: ${collected.last_error?.description}`);
  }
  const description = `re-issued at SCM: serial ${current.serial_number} → ${collected.serial_number}, not_after ${current.not_after} → ${collected.not_after}`;
  const last = collected.state.at(-1) as StateEntry;
  return {
    change: 'reissued',
    record: { ...collected, state: [...collected.state.slice(0, -1), { ...last, description }] },
    warnings: [`certificate ${id} was ${description}; the record now holds SCM's certificate`, ...expiryWarning(collected, view.status, now)],
  };
}

/**
 * Syncs one Issued record; the caller has checked its state. Concurrent syncs
 * of a record share one SCM round trip. Every answer SCM gave is stamped
 * (`last_synced_at`) — that stamp is the only write when nothing changed.
 */
export function syncIssued(deps: SyncDeps, config: ConfigEntry, record: CertificateRecord): Promise<SyncOutcome> {
  const id = record.cert_unique_id;
  return deps.locks.flight(`sync:${config.name}/${id}`, async () => {
    const view = await askScm(deps.scm, config, record);
    const now = new Date();
    let outcome: SyncOutcome | undefined;
    const stored = await deps.records.update(config.name, id, (current) => {
      // Revoked, renewed or replaced meanwhile: that newer news wins over this sync.
      if (current.state.length !== record.state.length) return undefined;
      outcome = reconcile(current, view, now);
      return view.kind === 'unsettled' ? undefined : { records: [{ ...outcome.record, last_synced_at: now.toISOString() }] };
    });
    if (outcome && outcome.change !== 'unchanged') {
      deps.logger.info({ config: config.name, cert_unique_id: id, change: outcome.change }, 'certificate synced with SCM');
    }
    return { change: outcome?.change ?? 'unchanged', record: stored, warnings: outcome?.warnings ?? [] };
  });
}

/** Whether the background renewer should sync this record before deciding on renewal; `intervalMs` 0 = never. */
export function isDueForSync(record: CertificateRecord, intervalMs: number, now = new Date()): boolean {
  if (intervalMs <= 0 || !record.auto_renew || record.renewed_to || currentStatus(record) !== 'Issued') return false;
  // Never synced: the collect that made it Issued was the last word from SCM.
  const last = Date.parse(record.last_synced_at ?? record.state.at(-1)?.time_stamp ?? '');
  return Number.isNaN(last) || last + intervalMs <= now.getTime();
}

/**
 * `sync/<config>/<id>`: an Issued record is reconciled with SCM; a pending one
 * (SCM still owes it) is collected as a read collects it; anything else is a
 * 400 naming its state. A key mismatch is a 409 after the record says so.
 */
export async function syncCertificate(deps: SyncDeps, configName: string, id: string, options: CollectRequest = {}): Promise<LifecycleResult> {
  const config = await deps.configs.require(configName);
  const record = await deps.records.require(configName, id);
  if (shouldCollectOnRead(record)) return collectForRequest(deps, config, id, options);
  const status = currentStatus(record);
  if (status !== 'Issued') {
    const newest = record.renewed_to ? `; sync its renewal, ${record.renewed_to}, instead` : '';
    throw new UserError(`certificate ${id} is ${status}: only Issued certificates are synced with SCM${newest}`);
  }
  const outcome = await syncIssued(deps, config, record);
  if (outcome.change === 'key_mismatch') throw new ConflictError(outcome.warnings.join(' '));
  return { record: outcome.record, warnings: outcome.warnings };
}

export interface ConfigSyncSummary {
  checked: number;
  /** Records rewritten because SCM differed: re-issued or revoked there. */
  changed: number;
  /** Of `changed`, those SCM revoked. */
  revoked: number;
  /** SCM errors and key mismatches; each is one warning naming the id. */
  failed: number;
  changed_ids: string[];
  warnings: string[];
}

/** `sync/<config>`: every Issued record of the config; the SCM limiter bounds how many run at once. */
export async function syncConfig(deps: SyncDeps, configName: string): Promise<ConfigSyncSummary> {
  const config = await deps.configs.require(configName);
  const ids = await deps.records.list(configName);
  const records = await Promise.all(ids.map((id) => deps.records.get(configName, id)));
  const issued = records.filter((r): r is CertificateRecord => r !== undefined && currentStatus(r) === 'Issued');
  const results = await Promise.allSettled(issued.map((record) => syncIssued(deps, config, record)));
  const summary: ConfigSyncSummary = { checked: issued.length, changed: 0, revoked: 0, failed: 0, changed_ids: [], warnings: [] };
  results.forEach((result, index) => {
    const id = issued[index]!.cert_unique_id;
    if (result.status === 'rejected' || result.value.change === 'key_mismatch') {
      summary.failed++;
      const reason = result.status === 'rejected' ? (result.reason as Error).message : result.value.warnings.join(' ');
      summary.warnings.push(`${id}: ${reason}`);
      return;
    }
    summary.warnings.push(...result.value.warnings);
    if (result.value.change === 'unchanged') return;
    summary.changed++;
    if (result.value.change === 'revoked') summary.revoked++;
    summary.changed_ids.push(id);
  });
  return summary;
}
