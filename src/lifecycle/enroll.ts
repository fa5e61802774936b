/**
 * Enroll-then-collect (SPEC §4.4): validate, build key + CSR, order at SCM,
 * store `Applied` with the key *before* collecting, then collect within the
 * request's budget. An idempotency key makes a retried request return the
 * first one's certificate instead of buying a second.
 */
import { createHash } from 'node:crypto';
import type { BatchOp } from '../storage/storage.js';
import { ScmError } from '../scm/errors.js';
import { UserError } from '../framework/errors.js';
import { KeyedMutex } from './keyed-mutex.js';
import { payloadHash } from './idempotency.js';
import { checkAgainstProfile } from './profile-check.js';
import { prepareKeyMaterial } from './key-material.js';
import { clientEnrollBody, parseEnrollRequest, requireFor, sslEnrollBody, type EnrollRequest } from './enroll-request.js';
import { certUniqueId, unissuedOrderFields, withState, type CertificateRecord } from './record.js';
import type { CertificateLifecycle, LifecycleConfig, LifecycleResult } from './lifecycle.js';
import type { PlacedOrder } from './scm-orders.js';

export interface EnrollOptions {
  /** From the `Idempotency-Key` header; the `idempotency_key` field is the fallback. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** Check-then-mark of an idempotency key must not interleave with another request's. */
const idempotencyMutex = new KeyedMutex();

export async function enrollCertificate(
  lifecycle: CertificateLifecycle,
  configName: string,
  data: Record<string, unknown>,
  options: EnrollOptions = {},
): Promise<LifecycleResult> {
  const config = await lifecycle.deps.loadConfig(configName);
  const req = parseEnrollRequest(data, config.enroll_defaults);
  requireFor(config.sectigo_config_type, req);
  const warnings = ignoredCredentialWarnings(data);
  const key = options.idempotencyKey ?? req.idempotency_key;
  if (!key) return withWarnings(await orderAndCollect(lifecycle, configName, config, req, options.signal), warnings);

  const { idempotency_key: _ignored, ...payload } = data;
  const hash = payloadHash(payload);
  const keyHash = createHash('sha256').update(key).digest('hex');
  // Identical concurrent duplicates share one flight (and one order); a
  // different payload under the same key runs its own and meets the 409.
  return lifecycle.flights.run(`enroll:${configName}/${keyHash}/${hash}`, async () => {
    const prior = await lifecycle.idempotency.priorOutcome(configName, key, hash);
    if (prior) return withWarnings(await replay(lifecycle, configName, prior, req, options.signal), warnings);
    const result = await orderAndCollect(lifecycle, configName, config, req, options.signal, {
      claim: () =>
        idempotencyMutex.run(keyHash, async () => {
          const raced = await lifecycle.idempotency.priorOutcome(configName, key, hash);
          if (raced) throw new UserError('idempotency_key: another request with this key completed first; retry to get its result', 409);
          await lifecycle.idempotency.markOrdering(configName, key, hash);
        }),
      doneOp: (id) => lifecycle.idempotency.doneOp(configName, key, hash, id),
      rejected: () => lifecycle.idempotency.release(configName, key),
      unknown: () => lifecycle.idempotency.markUnknown(configName, key, hash),
    });
    return withWarnings(result, warnings);
  });
}

interface IdempotencyHooks {
  claim(): Promise<void>;
  doneOp(id: string): BatchOp;
  rejected(): Promise<void>;
  unknown(): Promise<void>;
}

function withWarnings(result: LifecycleResult, extra: string[]): LifecycleResult {
  return extra.length === 0 ? result : { ...result, warnings: [...extra, ...result.warnings] };
}

function ignoredCredentialWarnings(data: Record<string, unknown>): string[] {
  return data.sectigo_cm_user !== undefined || data.sectigo_cm_password !== undefined
    ? ['sectigo_cm_user/sectigo_cm_password in an enroll request are ignored; the config entry\'s credentials are used']
    : [];
}

/** A retried request: the first request's record, collected if it is still pending. */
async function replay(
  lifecycle: CertificateLifecycle,
  configName: string,
  id: string,
  req: EnrollRequest,
  signal?: AbortSignal,
): Promise<LifecycleResult> {
  const stored = await lifecycle.records.require(configName, id);
  const record = await lifecycle.collect(configName, id, lifecycle.timing({ ...req, signal }));
  const warnings = [`idempotency_key: returning the certificate of the first request with this key (${stored.cert_unique_id}); no new order was placed`];
  return { record, warnings: [...warnings, ...lifecycle.pendingWarnings(record, req)] };
}

async function orderAndCollect(
  lifecycle: CertificateLifecycle,
  configName: string,
  config: LifecycleConfig,
  req: EnrollRequest,
  signal: AbortSignal | undefined,
  idempotency?: IdempotencyHooks,
): Promise<LifecycleResult> {
  const type = config.sectigo_config_type;
  const material = await prepareKeyMaterial(type, req);
  await checkAgainstProfile(lifecycle.deps.storage, configName, type, req, material.keySpec);
  const orgId = req.sectigo_cm_org_id ?? Number(config.sectigo_cm_org_id);
  const body =
    type === 'ssl_cert'
      ? sslEnrollBody(req, orgId, material.csr, material.subjectAltNames)
      : clientEnrollBody(req, orgId, material.csr);
  const orders = await lifecycle.deps.ordersFor(configName);

  await idempotency?.claim();
  let placed: PlacedOrder;
  try {
    placed = await orders.enroll(type, body);
  } catch (error) {
    // A 4xx is SCM refusing: nothing was bought, the key may be retried.
    // Anything else (unreachable, 5xx) may have placed the order after all.
    const refused = error instanceof ScmError && !error.transport && error.httpStatus < 500;
    await (refused ? idempotency?.rejected() : idempotency?.unknown());
    throw error;
  }

  const record = newRecord(configName, config, req, placed, material);
  try {
    await lifecycle.records.save([record], idempotency ? [idempotency.doneOp(record.cert_unique_id)] : []);
  } catch (error) {
    // The order exists at SCM but we could not store it: say exactly which, so it can be fetched.
    lifecycle.deps.logger.error(
      { config: configName, cert_unique_id: record.cert_unique_id, err: error },
      'SCM accepted the order but storing the record failed; import it with fetch',
    );
    throw error;
  }
  lifecycle.deps.logger.info({ config: configName, cert_unique_id: record.cert_unique_id }, 'certificate ordered');

  const collected = await lifecycle.collect(configName, record.cert_unique_id, lifecycle.timing({ ...req, signal }));
  return { record: collected, warnings: lifecycle.pendingWarnings(collected, req) };
}

function newRecord(
  configName: string,
  config: LifecycleConfig,
  req: EnrollRequest,
  placed: PlacedOrder,
  material: { csr: string; privateKey: string; domain: string },
): CertificateRecord {
  const type = config.sectigo_config_type;
  const ids =
    type === 'ssl_cert'
      ? { ssl_id: placed.scmId, renew_id: placed.renewId, ssl_format: req.sectigo_ssl_cert_format_type }
      : { order_number: placed.scmId };
  return withState(
    {
      cert_unique_id: certUniqueId(placed.scmId, config.sectigo_cm_uri),
      config_name: configName,
      certificate_type: type,
      ...ids,
      backend_cert_id: placed.backendCertId,
      domain: material.domain,
      csr: material.csr,
      private_key: material.privateKey,
      ...unissuedOrderFields(),
      auto_renew: req.sectigo_auto_renew,
      expiry_window: req.sectigo_expiry_window,
      renewed_from: null,
    },
    'Applied',
  );
}
