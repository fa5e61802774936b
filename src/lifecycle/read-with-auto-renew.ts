/**
 * Reading a certificate (SPEC §4.5): follow renewals to the newest record,
 * collect it if SCM still owes it, and renew it when auto-renew is on and it
 * is inside its expiry window. The read's own parameters may switch
 * auto-renew on or off and change the window, as the plugin's reads do —
 * but a reader may only narrow what the record allows: switching auto-renew
 * on, or widening the window, buys certificates, and needs the right to
 * write (`mayWiden`). A window at or beyond the certificate's life is cut to
 * a third of it (record.ts effectiveWindowDays), with a warning.
 */
import { daysLeft, effectiveWindowDays, isDueForRenewal, lifetimeDays, shouldCollectOnRead, type CertificateRecord, type RenewPolicy } from './record.js';
import { renewCertificate, type RenewDeps, type RenewOptions } from './renew.js';
import { collectForRequest, type CollectRequest } from './collect-record.js';
import type { LifecycleResult } from './services.js';

export interface ReadOptions extends CollectRequest {
  sectigo_auto_renew?: boolean;
  sectigo_expiry_window?: number;
  /** May the query widen the record's auto-renew settings? Only for callers allowed to write (default true). */
  mayWiden?: boolean;
}

/** The renewal policy a read applies, and what it says about the query's part in it. */
function readPolicy(record: CertificateRecord, options: ReadOptions): { policy: RenewPolicy; warnings: string[] } {
  const asked = {
    autoRenew: options.sectigo_auto_renew ?? record.auto_renew,
    expiryWindowDays: options.sectigo_expiry_window ?? record.expiry_window,
  };
  const warnings: string[] = [];
  let policy = asked;
  const widens = (asked.autoRenew && !record.auto_renew) || asked.expiryWindowDays > record.expiry_window;
  if (widens && options.mayWiden === false) {
    policy = { autoRenew: asked.autoRenew && record.auto_renew, expiryWindowDays: Math.min(asked.expiryWindowDays, record.expiry_window) };
    warnings.push(
      `sectigo_auto_renew/sectigo_expiry_window in the query would renew more than the record allows ` +
        `(auto-renew ${record.auto_renew}, window ${record.expiry_window} days); that needs update on this path, so the record's settings apply`,
    );
  }
  // Only a policy that renews has a window to cut (and every read of a record that does not renew passes here).
  const life = policy.autoRenew ? lifetimeDays(record) : undefined;
  if (life !== undefined && effectiveWindowDays(record, policy.expiryWindowDays) !== policy.expiryWindowDays) {
    warnings.push(
      `sectigo_expiry_window (${policy.expiryWindowDays} days) is not shorter than the certificate's life (${Math.round(life)} days): ` +
        `it is renewed at two thirds of its life instead, ${Math.round(life / 3)} days before expiry`,
    );
  }
  return { policy, warnings };
}

/**
 * What the read's renewal policy decides for this record: is it due (the
 * read must renew it), and what the answer says about the policy either way.
 */
function renewalDecision(record: CertificateRecord, options: ReadOptions): { due: boolean; warnings: string[] } {
  const { policy, warnings } = readPolicy(record, options);
  const now = new Date();
  if (isDueForRenewal(record, policy, now)) return { due: true, warnings };
  // Due had auto-renew been on: say why it was not renewed (a record that is due has a not_after, so `left` is a number).
  if (!policy.autoRenew && isDueForRenewal(record, { ...policy, autoRenew: true }, now)) {
    const left = daysLeft(record, now)!;
    warnings.push(
      left < 0
        ? 'the certificate has expired; sectigo_auto_renew is false so it was not renewed'
        : `the certificate expires in ${left} days; sectigo_auto_renew is false so it was not renewed`,
    );
  }
  return { due: false, warnings };
}

function renewedChainWarnings(id: string, newest: CertificateRecord, hops: number): string[] {
  return hops > 0 ? [`certificate ${id} was renewed; returning the newest certificate of its chain, ${newest.cert_unique_id}`] : [];
}

/**
 * A read that may buy a certificate: when the newest record is due, SCM is
 * asked to renew it. Callers that only look use `records.require` instead.
 */
export async function readWithAutoRenew(
  deps: RenewDeps,
  config: string,
  id: string,
  options: ReadOptions = {},
): Promise<LifecycleResult> {
  const { record: newest, hops } = await deps.records.newest(config, id);
  const warnings = renewedChainWarnings(id, newest, hops);

  let record = newest;
  if (shouldCollectOnRead(record)) {
    const collected = await collectForRequest(deps, await deps.configs.require(config), record.cert_unique_id, options);
    record = collected.record;
    warnings.push(...collected.warnings);
  }

  const decision = renewalDecision(record, options);
  warnings.push(...decision.warnings);
  if (decision.due) {
    // A read renews with the record's own request: a key sent along (fetch's sectigo_private_key) only names the certificate.
    const { sectigo_csr: _csr, sectigo_private_key: _key, ...renewOptions } = options as ReadOptions & RenewOptions;
    const renewed = await renewCertificate(deps, config, record.cert_unique_id, renewOptions);
    return { record: renewed.record, warnings: [...warnings, ...renewed.warnings] };
  }
  return { record, warnings };
}

/**
 * The same read when it needs nothing but storage: the answer
 * `readWithAutoRenew` would give, or undefined when that read would first
 * collect the record from SCM or renew it (then only it may answer). It
 * waits on nothing and writes nothing, so an edge may answer it without the
 * request's full machinery (http/hot-read.ts).
 */
export async function readWithoutScm(deps: Pick<RenewDeps, 'records'>, config: string, id: string, options: ReadOptions = {}): Promise<LifecycleResult | undefined> {
  const { record, hops } = await deps.records.newest(config, id);
  if (shouldCollectOnRead(record)) return undefined;
  const decision = renewalDecision(record, options);
  if (decision.due) return undefined;
  return { record, warnings: [...renewedChainWarnings(id, record, hops), ...decision.warnings] };
}
