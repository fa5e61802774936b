/**
 * Import (inventory sync, as Keyfactor's Sectigo gateway does it): page
 * through SCM's certificate list and create a record for every certificate
 * scmpki does not hold: no private key, `imported: true`, SCM's status,
 * serial, SANs and expiry. The certificate itself stays at SCM until
 * `fetch` with `sectigo_private_key` attaches the key (fetch.ts).
 *
 * Incremental: the list is read once per status (`status=Issued`, `Revoked`,
 * `Expired`), so each item's status is known from the list call itself, and
 * an item whose id, status and serial match its stored summary costs no
 * further call. Only new or changed certificates are looked up
 * (`GET /ssl/v1/{sslId}` for the expiry; S/MIME list items carry it). Every
 * call goes through the server's one SCM limiter, so an import over a large
 * estate never exceeds `scm_max_concurrency` whatever else runs.
 */
import { UserError } from '../errors.js';
import type { SslDetails } from '../scm/index.js';
import type { ConfigEntry } from './config-store.js';
import { ENROLL_DEFAULTS } from './enroll-request.js';
import { sameSerial, type RecordSummary } from './record-index.js';
import { certUniqueId, unissuedOrderFields, withState, type CertificateRecord, type KnownStatus } from './record.js';
import { refusalsAsUserErrors } from './scm-refusal.js';
import type { ListedCertificate, ScmOrders } from './scm-orders.js';
import { MAX_ERRORS, type ImportCounts, type ImportFilters, type ImportJob } from './import-jobs.js';
import type { Deps } from './services.js';

const PAGE_SIZE = 200;

/** SCM's statuses of a certificate that exists (not an order still in the works), per family, as the list filter spells them. */
const SSL_STATUSES = ['Issued', 'Expired', 'Revoked'] as const;
const SMIME_STATES = ['issued', 'expired', 'revoked'] as const;

interface CheckedFilters {
  /** The statuses to list, as SCM's list filter spells them. */
  statuses: string[];
  expiringBeforeMs?: number;
  matchesName: (name: string) => boolean;
}

/** The filters in the form a run uses; a UserError naming the field when one is unusable. */
export function checkImportFilters(filters: ImportFilters, type: ConfigEntry['sectigo_config_type']): CheckedFilters {
  const known: readonly string[] = type === 'ssl_cert' ? SSL_STATUSES : SMIME_STATES;
  const statuses = filters.status === undefined ? [...known] : known.filter((s) => s.toLowerCase() === filters.status!.toLowerCase());
  if (statuses.length === 0) throw new UserError(`status: "${filters.status}" is not one of ${known.join(', ')}`);
  const expiringBeforeMs = filters.expiring_before === undefined ? undefined : Date.parse(filters.expiring_before);
  if (expiringBeforeMs !== undefined && Number.isNaN(expiringBeforeMs)) {
    throw new UserError(`expiring_before: "${filters.expiring_before}" is not a date (2027-01-31 or 2027-01-31T12:00:00Z)`);
  }
  return { statuses, expiringBeforeMs, matchesName: commonNameTest(filters.common_name) };
}

function commonNameTest(pattern: string | undefined): (name: string) => boolean {
  if (!pattern) return () => true;
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return (name) => regex.test(name);
}

/** Serials as SCM and as records write them, compared without colons, case or leading zero bytes. */
/** `MM/dd/yyyy` (SSL details) or `yyyy-MM-dd` (S/MIME list) → RFC 3339 at the end of that UTC day. */
function scmDateToRfc3339(date: string | null | undefined): string {
  if (!date) return '';
  const us = /^(\d\d)\/(\d\d)\/(\d{4})$/.exec(date);
  const iso = us ? `${us[3]}-${us[1]}-${us[2]}` : date.slice(0, 10);
  const at = Date.parse(`${iso}T23:59:59Z`);
  return Number.isNaN(at) ? '' : new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function recordStatus(scmStatus: string): KnownStatus {
  return scmStatus.toLowerCase() === 'revoked' ? 'Revoked' : 'Issued';
}

interface ImportRun {
  records: Deps<'records'>['records'];
  orders: ScmOrders;
  config: ConfigEntry;
  counts: ImportCounts;
  filters: CheckedFilters;
}

/**
 * One import run over the config's SCM account. `counts` is updated as it
 * goes, so a caller can report progress while it runs.
 */
export async function importCertificates(
  deps: Deps<'records' | 'scm'>,
  config: ConfigEntry,
  filters: ImportFilters,
  counts: ImportCounts,
  signal?: AbortSignal,
): Promise<void> {
  const checked = checkImportFilters(filters, config.sectigo_config_type);
  const orders = deps.scm.ordersFor(config);
  const run: ImportRun = { records: deps.records, orders, config, counts, filters: checked };
  for (const status of checked.statuses) {
    for (let position = 0; !signal?.aborted; position += PAGE_SIZE) {
      const page = await refusalsAsUserErrors(() => orders.listCertificates(config.sectigo_config_type, status, { position, size: PAGE_SIZE }));
      if (position === 0 && page.total !== null) counts.total = (counts.total ?? 0) + page.total;
      counts.listed += page.items.length;
      // The whole page at once: the SCM limiter, shared with everything else the server does, paces the lookups.
      const created = (await Promise.all(page.items.map((entry) => importOne(run, entry)))).filter((r) => r !== undefined);
      await saveCreated(run, created);
      if (page.items.length < PAGE_SIZE) break;
    }
  }
}

/** A page's new records in one batch; should the batch fail, each on its own, so one bad record fails alone. */
async function saveCreated(run: ImportRun, records: CertificateRecord[]): Promise<void> {
  if (records.length === 0) return;
  try {
    await run.records.save(records);
    run.counts.created += records.length;
  } catch {
    await Promise.all(records.map((record) => attempt(run, record.cert_unique_id, async () => {
      await run.records.save([record]);
      run.counts.created++;
    })));
  }
}

async function attempt<T>(run: ImportRun, id: string, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    run.counts.failed++;
    if (run.counts.errors.length < MAX_ERRORS) run.counts.errors.push(`${id}: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** One listed certificate: skipped, unchanged, updated in place, or (returned) a new record to save. */
async function importOne(run: ImportRun, entry: ListedCertificate): Promise<CertificateRecord | undefined> {
  const { counts, config } = run;
  const id = certUniqueId(entry.scmId, config.sectigo_cm_uri);
  return attempt(run, id, async () => {
    if (!run.filters.matchesName(entry.commonName ?? '')) {
      counts.skipped++;
      return undefined;
    }
    const summary = (await run.records.summary(config.name, id)) as Partial<RecordSummary> | undefined;
    if (summary && !summary.imported) {
      counts.skipped++;
      return undefined;
    }
    if (summary && summary.status === recordStatus(entry.status) && sameSerial(summary.serial, entry.serial)) {
      counts.unchanged++;
      return undefined;
    }
    const facts = config.sectigo_config_type === 'ssl_cert' ? sslFacts(await run.orders.sslDetails(entry.scmId)) : smimeFacts(entry);
    if (run.filters.expiringBeforeMs !== undefined && !(Date.parse(facts.not_after) < run.filters.expiringBeforeMs)) {
      counts.skipped++;
      return undefined;
    }
    const note = { description: `SCM status ${entry.status} (import)` };
    if (!summary) return withState(importedRecord(config, id, entry, facts), recordStatus(entry.status), note);
    await run.records.update(config.name, id, (current) => ({ records: [{ ...withState(current, recordStatus(entry.status), note), ...facts }] }));
    counts.updated++;
    return undefined;
  });
}

type ImportedFacts = Pick<CertificateRecord, 'domain' | 'subject_alt_names' | 'serial_number' | 'not_after' | 'backend_cert_id' | 'renew_id'>;

function sslFacts(details: SslDetails): ImportedFacts {
  return {
    domain: details.commonName ?? '',
    subject_alt_names: details.subjectAlternativeNames ?? [],
    serial_number: details.serialNumber ?? '',
    not_after: scmDateToRfc3339(details.expires),
    ...(details.backendCertId && { backend_cert_id: details.backendCertId }),
    // SCM's details send a renewId only sometimes (record.ts, renew_id).
    renew_id: typeof details.renewId === 'string' ? details.renewId : null,
  };
}

function smimeFacts(entry: ListedCertificate): ImportedFacts {
  const holder = entry.commonName ?? '';
  return {
    domain: holder,
    subject_alt_names: holder ? [holder] : [],
    serial_number: entry.serial ?? '',
    not_after: scmDateToRfc3339(entry.expires),
    ...(entry.backendCertId && { backend_cert_id: entry.backendCertId }),
    renew_id: entry.backendCertId ?? null,
  };
}

function importedRecord(config: ConfigEntry, id: string, entry: ListedCertificate, facts: ImportedFacts): CertificateRecord {
  const ids =
    config.sectigo_config_type === 'ssl_cert'
      ? {
          ssl_id: entry.scmId,
          ssl_format: String(config.enroll_defaults?.sectigo_ssl_cert_format_type ?? ENROLL_DEFAULTS.sectigo_ssl_cert_format_type),
        }
      : { order_number: entry.scmId };
  return {
    cert_unique_id: id,
    config_name: config.name,
    certificate_type: config.sectigo_config_type,
    ...ids,
    csr: '',
    private_key: '',
    ...unissuedOrderFields(),
    // Without its key scmpki could not use a renewal: auto-renew stays off until a key is attached.
    auto_renew: false,
    expiry_window: Number(config.enroll_defaults?.sectigo_expiry_window ?? ENROLL_DEFAULTS.sectigo_expiry_window),
    renewed_from: null,
    imported: true,
    ...facts,
  };
}

/**
 * Starts an import of the config's SCM certificates as a job (import-jobs.ts),
 * or joins the one running; bad filters are refused before anything starts.
 */
export async function startImport(
  deps: Deps<'configs' | 'records' | 'scm' | 'imports' | 'logger'>,
  configName: string,
  filters: ImportFilters,
): Promise<{ job: ImportJob; started: boolean }> {
  const config = await deps.configs.require(configName);
  checkImportFilters(filters, config.sectigo_config_type);
  return deps.imports.start(configName, filters, async (counts, signal) => {
    await importCertificates(deps, config, filters, counts, signal);
    deps.logger.info({ config: configName, ...counts, errors: counts.errors.length }, 'import from SCM finished');
  });
}
