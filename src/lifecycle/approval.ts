/**
 * Approving or declining an order at SCM (`POST /ssl/v1/approve|decline/{sslId}`)
 * for approvers who act through scmpki under its policies instead of SCM's
 * web UI. scmpki keeps no approval state of its own: SCM's answer is the
 * truth, and the record learns it the way every pending record does, by
 * collecting (collect-record.ts, order-status.ts).
 */
import { UserError } from '../errors.js';
import { ONE_ATTEMPT } from './collect-loop.js';
import { collectRecord } from './collect-record.js';
import { currentStatus, isAwaitingIssue, type CertificateRecord } from './record.js';
import { refusalsAsUserErrors } from './scm-refusal.js';
import type { Deps, LifecycleResult } from './services.js';

export interface ApprovalOptions {
  /** SCM requires one (1–512 characters); it shows in SCM's order history. */
  message: string;
}

type ApprovalDeps = Deps<'configs' | 'records' | 'locks' | 'scm' | 'logger'>;

async function pendingOrder(deps: ApprovalDeps, configName: string, id: string, verb: string) {
  const config = await deps.configs.require(configName);
  const record = await deps.records.require(configName, id);
  if (record.certificate_type !== 'ssl_cert') {
    throw new UserError(`id: ${id} is a client certificate; SCM's API approves and declines only SSL orders (use SCM's web UI)`);
  }
  if (!isAwaitingIssue(record)) {
    throw new UserError(`id: ${id} is ${currentStatus(record)}; only an order SCM still owes (Applied, TimedoutStateSaved) can be ${verb}`);
  }
  return { config, record, orders: deps.scm.ordersFor(config) };
}

/**
 * Approves the order at SCM and makes the record due for the background
 * collector now, so the certificate is collected as soon as the CA issues it.
 */
export async function approveOrder(deps: ApprovalDeps, configName: string, id: string, options: ApprovalOptions): Promise<LifecycleResult> {
  const { record, orders } = await pendingOrder(deps, configName, id, 'approved');
  await refusalsAsUserErrors(() => orders.approve(record, options.message));
  await deps.records.reschedule(configName, id, 'collect', Date.now());
  deps.logger.info({ config: configName, cert_unique_id: id }, 'order approved at SCM');
  return {
    record,
    warnings: [`approved at SCM; the background collector collects the certificate once issued (or read certs/${configName}/${id})`],
  };
}

/**
 * Declines the order at SCM, then collects once: SCM's answer (the order
 * declined, in SCM's words) becomes the record's ErrorCode entry.
 */
export async function declineOrder(deps: ApprovalDeps, configName: string, id: string, options: ApprovalOptions): Promise<LifecycleResult> {
  const { config, record, orders } = await pendingOrder(deps, configName, id, 'declined');
  await refusalsAsUserErrors(() => orders.decline(record, options.message));
  deps.logger.info({ config: configName, cert_unique_id: id }, 'order declined at SCM');
  const after: CertificateRecord = await collectRecord(deps, config, id, ONE_ATTEMPT, false);
  return { record: after, warnings: [`declined at SCM: ${options.message}`] };
}
