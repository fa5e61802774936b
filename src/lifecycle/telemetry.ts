/**
 * What the lifecycle reports about itself for the server's metrics. The
 * server hands in an implementation (metrics/server-metrics.ts); the domain
 * never sees the metrics library, and a test or a tool that wants no metrics
 * takes NO_TELEMETRY.
 */
import { ConflictError, NotFoundError, UserError } from '../errors.js';
import { ScmError } from '../scm/errors.js';

export type OperationKind = 'enroll' | 'renew' | 'revoke';

/**
 * `rejected`: the request or SCM said no (bad input, unknown record, a
 * conflict, an SCM 4xx other than 429) — the caller must change something. `failed`: SCM
 * unreachable, failing or limiting the rate, storage failing — retrying later may work.
 */
export type OperationOutcome = 'success' | 'rejected' | 'failed';

export type WorkerName = 'collector' | 'renewer';

export interface LifecycleTelemetry {
  operation(kind: OperationKind, outcome: OperationOutcome): void;
  /** A background pass ended (normally or not) after `seconds`. */
  workerPass(worker: WorkerName, seconds: number): void;
}

export const NO_TELEMETRY: LifecycleTelemetry = { operation() {}, workerPass() {} };

export function outcomeOf(error: unknown): OperationOutcome {
  // PkiInputError is a UserError.
  if (error instanceof UserError || error instanceof NotFoundError || error instanceof ConflictError) return 'rejected';
  // 429 is SCM asking to slow down, not refusing the request.
  if (error instanceof ScmError && !error.transport && error.httpStatus >= 400 && error.httpStatus < 500 && error.httpStatus !== 429) return 'rejected';
  return 'failed';
}

/** Runs one operation and counts how it ended. */
export async function countOperation<T>(telemetry: LifecycleTelemetry, kind: OperationKind, work: () => Promise<T>): Promise<T> {
  try {
    const result = await work();
    telemetry.operation(kind, 'success');
    return result;
  } catch (error) {
    telemetry.operation(kind, outcomeOf(error));
    throw error;
  }
}
