/**
 * Revoke (SPEC §4.6): SCM revokes, the record gains `Revoked` and stays, as
 * the plugin documents ("Revoking a certificate doesn't delete it").
 */
import { ScmError } from '../scm/errors.js';
import type { RevocationReasonCode } from '../scm/index.js';
import { scmRefusal } from './scm-refusal.js';
import { currentStatus, withState } from './record.js';
import type { Deps, LifecycleResult } from './services.js';
import { countOperation } from './telemetry.js';

/**
 * SCM requires a non-empty reason for SSL revocations (1..512 characters), and
 * the plugin's revoke JSON may omit it; this is what SCM's audit log then shows.
 */
export const DEFAULT_REVOKE_REASON = 'Revoked through scmpki';

/** SCM's "Your certificate already revoked". */
export const ALREADY_REVOKED_CODE = -159;

export interface RevokeOptions {
  reason?: string;
  reasonCode?: RevocationReasonCode;
}

type RevokeDeps = Deps<'configs' | 'records' | 'scm' | 'logger'>;

export function revokeCertificate(deps: RevokeDeps & Deps<'telemetry'>, configName: string, id: string, options: RevokeOptions = {}): Promise<LifecycleResult> {
  return countOperation(deps.telemetry, 'revoke', () => revoke(deps, configName, id, options));
}

async function revoke(deps: RevokeDeps, configName: string, id: string, options: RevokeOptions): Promise<LifecycleResult> {
  const request = {
    reason: options.reason?.trim() || DEFAULT_REVOKE_REASON,
    ...(options.reasonCode !== undefined && { reasonCode: options.reasonCode }),
  };
  const config = await deps.configs.require(configName);
  const orders = deps.scm.ordersFor(config);
  let refusal: Error | undefined;
  const record = await deps.records.update(configName, id, async (current) => {
    try {
      await orders.revoke(current, request);
    } catch (error) {
      refusal = scmRefusal(error);
      if (!refusal) throw error;
      // Revoked at SCM by someone else: the record should say so too, even though this call failed.
      const revokedElsewhere = error instanceof ScmError && error.code === ALREADY_REVOKED_CODE && currentStatus(current) !== 'Revoked';
      return revokedElsewhere ? { records: [withState(current, 'Revoked', { code: error.code, description: error.description })] } : undefined;
    }
    return { records: [withState(current, 'Revoked')] };
  });
  if (refusal) throw refusal;
  deps.logger.info({ config: configName, cert_unique_id: id, reason_code: request.reasonCode ?? 0 }, 'certificate revoked at SCM');
  return { record, warnings: [] };
}
