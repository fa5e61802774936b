/**
 * Renewal (SPEC §4.5, §4.6): SCM renews by id (SSL `renewById`, client
 * `renew/order`), we store a new record linked both ways to the old one and
 * collect it. One renewal per record at a time, whoever asks (reads, the
 * background renewer, the renew path): they all share the same flight.
 *
 * The order of writes is what keeps it safe, as for replace:
 *   1. the key and CSR the renewal sends are stored on the old record as
 *      `pending_renewal`;
 *   2. SCM is asked to renew;
 *   3. the old record (`Renewed`, without `pending_renewal`) and the new one
 *      (`Applied`, with that key) are written in one batch.
 * A crash or a lost answer between 2 and 3 leaves `pending_renewal`. The next
 * renewal of the record (a read, the renewer, the renew path) first looks for
 * the order SCM may have placed — the first order for the same name after
 * the old one that no record holds — and adopts it with the stored key
 * instead of ordering again.
 */
import { ConflictError, UpstreamError, UserError } from '../errors.js';
import { parseCertificate } from '../pki/index.js';
import { freshKeyForCsr } from './key-material.js';
import { checkCallerMaterial, replacementKey, type ReplacementKey } from './replacement-key.js';
import { callScmWithPendingKey } from './pending-key.js';
import { refusalsAsUserErrors } from './scm-refusal.js';
import { certUniqueId, renewIdOf, unissuedOrderFields, withState, type CertificateRecord, type PendingKey } from './record.js';
import { collectForRequest, pendingWarnings, type CollectRequest } from './collect-record.js';
import { orderSettlesAt, type Deps, type LifecycleResult } from './services.js';
import type { PlacedOrder } from './placed-order.js';
import type { ScmOrders } from './scm-orders.js';
import { countOperation } from './telemetry.js';

export interface RenewOptions extends CollectRequest {
  /** Send a fresh CSR with a new key of the same kind (SSL only). */
  newKey?: boolean;
  /** The caller's CSR for the renewal (SSL only; SCM's renewById takes one). */
  sectigo_csr?: string;
  /** The caller's key: with sectigo_csr it must match it; alone, a CSR with the old subject is built for it. */
  sectigo_private_key?: string;
}

export function renewFlightKey(config: string, id: string): string {
  return `renew:${config}/${id}`;
}

export type RenewDeps = Deps<'configs' | 'records' | 'locks' | 'scm' | 'limits' | 'logger' | 'telemetry'>;

export async function renewCertificate(deps: RenewDeps, config: string, id: string, options: RenewOptions = {}): Promise<LifecycleResult> {
  // Concurrent renewals of one record share one flight: each caller's own input is checked before it joins.
  await checkRenewInput(deps, config, id, options);
  // Counted inside the flight: readers sharing one renewal count it once.
  const result = await deps.locks.flight(renewFlightKey(config, id), () => countOperation(deps.telemetry, 'renew', () => renewOnce(deps, config, id, options)));
  return { record: result.record, warnings: [...result.warnings, ...pendingWarnings(deps.limits, result.record, options)] };
}

async function checkRenewInput(deps: RenewDeps, configName: string, id: string, options: RenewOptions): Promise<void> {
  const callerMaterial = sendsOwnMaterial(options);
  if (!options.newKey && !callerMaterial) return;
  if ((await deps.records.require(configName, id)).certificate_type === 'client_cert') {
    throw new UserError(
      `${options.newKey ? 'sectigo_renew_new_key' : 'sectigo_csr, sectigo_private_key'}: SCM renews client certificates with their ` +
        `original request and takes no new CSR; use replace/${configName}/${id} (with sectigo_csr or sectigo_private_key) for a new key`,
    );
  }
  if (options.newKey && callerMaterial) {
    throw new UserError('sectigo_renew_new_key: a new key is generated only when no sectigo_csr or sectigo_private_key is sent; send one or the other');
  }
  await checkCallerMaterial(options);
}

function sendsOwnMaterial(options: RenewOptions): boolean {
  return Boolean(options.sectigo_csr || options.sectigo_private_key);
}

async function renewOnce(deps: RenewDeps, configName: string, id: string, options: RenewOptions): Promise<LifecycleResult> {
  const old = await deps.records.require(configName, id);
  // A caller that arrives just after another renewal finished must not renew again.
  if (old.renewed_to) {
    const { record } = await deps.records.newest(configName, id);
    return { record, warnings: [`certificate ${id} was already renewed as ${record.cert_unique_id}`] };
  }
  const callerMaterial = sendsOwnMaterial(options);
  const config = await deps.configs.require(configName);
  const uri = config.sectigo_cm_uri;
  const orders = deps.scm.ordersFor(config);

  const caller = callerMaterial ? await replacementKey(old, options) : undefined;
  const stored = old.pending_renewal;
  // The earlier attempt's order may still come (or be adopted below); its key is the one kept.
  if (stored && caller && !(caller.privateKey ? caller.privateKey === stored.private_key : caller.csr === stored.csr)) {
    throw new ConflictError(
      `an earlier renewal of ${id} (${stored.requested_at}) with another key is unsettled; ` +
        'renew again without sectigo_csr and sectigo_private_key to finish it first',
    );
  }
  const earlier = stored && (await refusalsAsUserErrors(() => earlierRenewal(deps, orders, old, stored, uri)));
  const pending = earlier && stored ? stored : await renewalKey(old, caller, options.newKey === true);
  const placed =
    earlier ||
    (await callScmWithPendingKey(deps, old, 'pending_renewal', pending, () =>
      orders.renew(old, pending.csr === old.csr ? undefined : pending.csr),
    ));

  const newId = certUniqueId(placed.scmId, uri);
  const renewed: CertificateRecord = withState(
    {
      ...old,
      cert_unique_id: newId,
      ...(old.certificate_type === 'ssl_cert' ? { ssl_id: placed.scmId } : { order_number: placed.scmId }),
      renew_id: renewIdOf(old.certificate_type, placed, old),
      backend_cert_id: placed.backendCertId,
      csr: pending.csr,
      private_key: pending.private_key,
      ...unissuedOrderFields(),
      renewed_from: id,
      // SCM renews the old order's key, never a replace the old record left unfinished.
      pending_replacement: undefined,
      pending_renewal: undefined,
    },
    'Applied',
    earlier ? { description: `recovered after an interrupted renewal of ${id}` } : undefined,
  );
  await deps.records.update(configName, id, (current) => ({
    records: [withState({ ...current, renewed_to: newId, pending_renewal: undefined }, 'Renewed'), renewed],
  }));
  deps.logger.info({ config: configName, cert_unique_id: id, renewed_to: newId, recovered: Boolean(earlier) }, 'certificate renewed at SCM');

  const { record: collected } = await collectForRequest(deps, config, newId, options);
  return { record: collected, warnings: [`certificate ${id} was renewed; the new certificate is ${newId}`] };
}

/**
 * The key and CSR a renewal sends. An earlier attempt's are sent again (SCM
 * may still act on that attempt, and its certificate must find its key); the
 * time is this attempt's, which the grace period counts from.
 */
async function renewalKey(old: CertificateRecord, caller: ReplacementKey | undefined, newKey: boolean): Promise<PendingKey> {
  const requested_at = new Date().toISOString();
  if (old.pending_renewal) return { ...old.pending_renewal, requested_at };
  if (caller) return { csr: caller.csr, private_key: caller.privateKey, requested_at };
  const fresh = newKey ? await freshKeyForCsr(old.csr) : undefined;
  return { csr: fresh?.csr ?? old.csr, private_key: fresh?.privateKey ?? old.private_key, requested_at };
}

/**
 * The order an earlier attempt placed, if SCM has it; undefined when SCM
 * provably did not renew, so ordering now is safe. Throws when it cannot yet
 * be told: ordering then could buy the certificate twice.
 */
async function earlierRenewal(
  deps: Deps<'records' | 'limits'>,
  orders: ScmOrders,
  old: CertificateRecord,
  pending: PendingKey,
  uri: string,
): Promise<PlacedOrder | undefined> {
  const { config_name: config, cert_unique_id: id, certificate_type: type } = old;
  const oldScmId = (type === 'ssl_cert' ? old.ssl_id : old.order_number) as number;
  // SSL orders say whether they were renewed; S/MIME orders do not.
  const renewedAtScm = type === 'ssl_cert' ? (await orders.sslDetails(oldScmId)).renewed === true : undefined;
  const since = new Date(pending.requested_at);
  if (renewedAtScm !== false) {
    const found = await orders.findOrder(type, {
      commonName: commonNameOf(old),
      email: old.domain,
      since,
      accept: async (order) => order.scmId > oldScmId && !(await deps.records.get(config, certUniqueId(order.scmId, uri))),
    });
    if (found) return found;
    if (renewedAtScm) {
      throw new UpstreamError(
        `SCM shows certificate ${id} as renewed, but no new order for it was found; ` +
          `import the new certificate with fetch and the key kept in this record's pending_renewal`,
      );
    }
  }
  const settlesAt = orderSettlesAt(deps.limits, pending.requested_at);
  if (Date.now() < settlesAt) {
    throw new ConflictError(
      `an earlier renewal of ${id} (${pending.requested_at}) has no answer from SCM yet; retry after ${new Date(settlesAt).toISOString()}`,
    );
  }
  return undefined;
}

/** What SCM lists the SSL order under: the certificate's CN, else its first SAN. */
function commonNameOf(record: CertificateRecord): string {
  if (!record.leaf_certificate) return record.domain;
  const leaf = parseCertificate(record.leaf_certificate);
  return leaf.commonName ?? leaf.subjectAltNames[0] ?? record.domain;
}
