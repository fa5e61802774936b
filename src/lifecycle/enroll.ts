/**
 * Enroll-then-collect (SPEC §4.4): validate, build key + CSR, write the order
 * intent (key included), order at SCM, store `Applied` with the key *before*
 * collecting (the same batch drops the intent), then collect within the
 * request's budget. An idempotency key makes a retried request return the
 * first one's certificate instead of buying a second.
 */
import type { BatchOp } from '../storage/storage.js';
import { ScmError } from '../scm/errors.js';
import { ConflictError } from '../errors.js';
import { idempotencyKeyHash, payloadHash } from './idempotency.js';
import { checkAgainstProfile } from './profile-check.js';
import { prepareKeyMaterial, type KeyMaterial } from './key-material.js';
import { clientCommonName, clientEnrollBody, parseEnrollRequest, requireFor, sslEnrollBody, type EnrollRequest } from './enroll-request.js';
import { commentsWithMarker, intentFlightKey, newIntentId, recordFromIntent, type OrderIntent } from './order-intents.js';
import type { CertificateRecord } from './record.js';
import { collectForRequest } from './collect-record.js';
import type { ConfigEntry } from './config-store.js';
import type { Deps, LifecycleResult } from './services.js';
import type { PlacedOrder } from './placed-order.js';
import { countOperation } from './telemetry.js';

export interface EnrollOptions {
  /** From the `Idempotency-Key` header; the `idempotency_key` field is the fallback. */
  idempotencyKey?: string;
  /**
   * What makes a retry under the same key the same request (default: the
   * data). A PKI `sign` compares the CSR's content, not its bytes: a request
   * signed again with the same key is the same request.
   */
  payload?: Record<string, unknown>;
  /** How a replay's warning names what made the request the same one (default: its idempotency_key). */
  sameRequestBy?: string;
  signal?: AbortSignal;
}

export type EnrollDeps = Deps<'configs' | 'records' | 'intents' | 'idempotency' | 'profiles' | 'batch' | 'locks' | 'scm' | 'limits' | 'logger' | 'telemetry'>;

export function enrollCertificate(
  deps: EnrollDeps,
  configName: string,
  data: Record<string, unknown>,
  options: EnrollOptions = {},
): Promise<LifecycleResult> {
  return countOperation(deps.telemetry, 'enroll', () => enroll(deps, configName, data, options));
}

async function enroll(deps: EnrollDeps, configName: string, data: Record<string, unknown>, options: EnrollOptions): Promise<LifecycleResult> {
  const config = await deps.configs.require(configName);
  const req = parseEnrollRequest(data, config.enroll_defaults);
  requireFor(config.sectigo_config_type, req);
  const warnings = [...ignoredCredentialWarnings(data), ...windowWarnings(config.sectigo_config_type, req)];
  const key = options.idempotencyKey ?? req.idempotency_key;
  if (!key) return withWarnings(await orderAndCollect(deps, config, req, options.signal), warnings);

  const { idempotency_key: _ignored, ...payload } = options.payload ?? data;
  const hash = payloadHash(payload);
  const keyHash = idempotencyKeyHash(key);
  // Identical concurrent duplicates share one flight (and one order); a
  // different payload under the same key runs its own and meets the 409.
  return deps.locks.flight(`enroll:${configName}/${keyHash}/${hash}`, async () => {
    const prior = await deps.idempotency.priorOutcome(configName, keyHash, hash);
    if (prior) return withWarnings(await replay(deps, config, prior, req, options), warnings);
    const result = await orderAndCollect(deps, config, req, options.signal, {
      key_hash: keyHash,
      payload_hash: hash,
      claim: (intentOps) =>
        // Check-then-mark of an idempotency key must not interleave with another request's.
        deps.locks.exclusive(`idempotency:${configName}/${keyHash}`, async () => {
          const raced = await deps.idempotency.priorOutcome(configName, keyHash, hash);
          if (raced) throw new ConflictError('idempotency_key: another request with this key completed first; retry to get its result');
          await deps.batch([...deps.idempotency.orderingOps(configName, keyHash, hash), ...intentOps]);
        }),
    });
    return withWarnings(result, warnings);
  });
}

interface IdempotencyClaim {
  key_hash: string;
  payload_hash: string;
  /** Checks the key is still free and marks it ordering, writing `intentOps` in the same batch. */
  claim(intentOps: BatchOp[]): Promise<void>;
}

function withWarnings(result: LifecycleResult, extra: string[]): LifecycleResult {
  return extra.length === 0 ? result : { ...result, warnings: [...extra, ...result.warnings] };
}

function ignoredCredentialWarnings(data: Record<string, unknown>): string[] {
  return data.sectigo_cm_user !== undefined || data.sectigo_cm_password !== undefined
    ? ['sectigo_cm_user/sectigo_cm_password in an enroll request are ignored; the config entry\'s credentials are used']
    : [];
}

/** An auto-renew window as long as the term would renew a fresh certificate at once; say how it is applied. */
function windowWarnings(type: ConfigEntry['sectigo_config_type'], req: EnrollRequest): string[] {
  const term = type === 'ssl_cert' ? req.sectigo_ssl_cert_validity : req.sectigo_client_cert_validity;
  if (!req.sectigo_auto_renew || term === undefined || req.sectigo_expiry_window < term) return [];
  return [
    `sectigo_expiry_window (${req.sectigo_expiry_window} days) is not shorter than the term (${term} days): ` +
      `the certificate will be renewed at two thirds of its life, ${Math.round(term / 3)} days before expiry`,
  ];
}

/** A retried request: the first request's record, collected if it is still pending. */
async function replay(
  deps: Deps<'records' | 'locks' | 'scm' | 'limits'>,
  config: ConfigEntry,
  id: string,
  req: EnrollRequest,
  options: EnrollOptions,
): Promise<LifecycleResult> {
  const stored = await deps.records.require(config.name, id);
  const collected = await collectForRequest(deps, config, id, { ...req, signal: options.signal });
  const by = options.sameRequestBy ?? 'idempotency_key: returning the certificate of the first request with this key';
  const replayed = `${by} (${stored.cert_unique_id}); no new order was placed`;
  return { record: collected.record, warnings: [replayed, ...collected.warnings] };
}

async function orderAndCollect(
  deps: EnrollDeps,
  config: ConfigEntry,
  req: EnrollRequest,
  signal: AbortSignal | undefined,
  idempotency?: IdempotencyClaim,
): Promise<LifecycleResult> {
  const configName = config.name;
  const type = config.sectigo_config_type;
  const material = await prepareKeyMaterial(type, req);
  await checkAgainstProfile(deps.profiles, configName, type, req, material.keySpec);
  const orgId = req.sectigo_cm_org_id ?? Number(config.sectigo_cm_org_id);
  const intent = orderIntent(config, req, material, orgId, idempotency);
  const body = {
    ...(type === 'ssl_cert' ? sslEnrollBody(req, orgId, material.csr, material.subjectAltNames) : clientEnrollBody(req, orgId, material.csr)),
    comments: commentsWithMarker(type === 'ssl_cert' ? req.sectigo_ssl_cert_comments : undefined, intent.id),
  };
  const orders = deps.scm.ordersFor(config);

  const record = await deps.locks.flight(intentFlightKey(intent), async () => {
    const intentOps = [deps.intents.putOp(intent)];
    await (idempotency ? idempotency.claim(intentOps) : deps.batch(intentOps));
    const placed = recordFromIntent(intent, await placeOrder(deps, intent, () => orders.enroll(type, body)));
    await storeRecord(deps, intent, placed);
    return placed;
  });
  deps.logger.info({ config: configName, cert_unique_id: record.cert_unique_id }, 'certificate ordered');

  return collectForRequest(deps, config, record.cert_unique_id, { ...req, signal });
}

async function placeOrder(
  deps: Deps<'intents' | 'idempotency' | 'batch'>,
  intent: OrderIntent,
  enroll: () => Promise<PlacedOrder>,
): Promise<PlacedOrder> {
  try {
    return await enroll();
  } catch (error) {
    // A 4xx is SCM refusing, and a connection that was never established
    // (refused, no such host) carried no order: nothing was bought, the intent
    // goes and the key may be retried at once. Anything else (a timeout or
    // reset after sending, a 5xx) may have placed the order after all: the
    // intent stays for the background collector to look for it at SCM.
    const neverPlaced = error instanceof ScmError && (error.transport ? error.notSent : error.httpStatus < 500);
    const key = intent.idempotency;
    if (neverPlaced) await deps.batch(deps.intents.noOrderOps(intent, deps.idempotency));
    else if (key) await deps.idempotency.markUnknown(intent.config_name, key.key_hash, key.payload_hash);
    if (error instanceof ScmError && error.transport && !error.notSent) {
      throw new ScmError(error.httpStatus, error.code, `${error.description}; if SCM placed the order, scmpki finds it and stores the certificate: retry with the same Idempotency-Key to get it`, true);
    }
    throw error;
  }
}

async function storeRecord(deps: Deps<'records' | 'intents' | 'idempotency' | 'logger'>, intent: OrderIntent, record: CertificateRecord): Promise<void> {
  try {
    await deps.records.save([record], deps.intents.storedOps(intent, deps.idempotency, record.cert_unique_id));
  } catch (error) {
    // The intent (and its key) is still stored: the background collector creates the record once storage works.
    deps.logger.error(
      { config: intent.config_name, cert_unique_id: record.cert_unique_id, err: error },
      'SCM accepted the order but storing the record failed; the background collector will recover it',
    );
    throw error;
  }
}

function orderIntent(
  config: ConfigEntry,
  req: EnrollRequest,
  material: KeyMaterial,
  orgId: number,
  idempotency: IdempotencyClaim | undefined,
): OrderIntent {
  const type = config.sectigo_config_type;
  return {
    id: newIntentId(),
    config_name: config.name,
    certificate_type: type,
    cm_uri: config.sectigo_cm_uri,
    org_id: orgId,
    common_name: type === 'ssl_cert' ? material.domain || (material.subjectAltNames[0] ?? '') : clientCommonName(req),
    ...(type === 'client_cert' && { email: req.sectigo_client_cert_email }),
    domain: material.domain,
    csr: material.csr,
    private_key: material.privateKey,
    ...(type === 'ssl_cert' && { ssl_format: req.sectigo_ssl_cert_format_type }),
    auto_renew: req.sectigo_auto_renew,
    expiry_window: req.sectigo_expiry_window,
    created_at: new Date().toISOString(),
    ...(idempotency && { idempotency: { key_hash: idempotency.key_hash, payload_hash: idempotency.payload_hash } }),
  };
}
