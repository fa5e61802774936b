/**
 * The certificate lifecycle as one object the engine paths, the background
 * workers and the operations paths (revoke, replace, fetch) share: the record
 * store, the per-record single-flight and the SCM access. It knows nothing
 * about HTTP; handlers pass it plain data and shape what it returns.
 */
import type { Storage } from '../storage/storage.js';
import { IdempotencyLedger } from './idempotency.js';
import { OrderIntentStore } from './order-intents.js';
import { RecordStore } from './record-store.js';
import { SingleFlight } from './single-flight.js';
import { collectAttempt, collectUntilIssued, recordAfterCollect, type CollectTiming } from './collect-loop.js';
import { currentStatus, shouldCollectOnRead, type CertificateRecord, type CertificateType } from './record.js';
import type { CollectErrorClassifier, ScmOrders } from './scm-orders.js';

/** The parts of a config entry (src/engine/configs.ts) the lifecycle reads. */
export interface LifecycleConfig {
  sectigo_cm_uri: string;
  sectigo_cm_org_id: number;
  sectigo_config_type: CertificateType;
  /** Enroll fields stored with the config; request values override them. */
  enroll_defaults?: Record<string, unknown>;
}

export interface LifecycleLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface LifecycleDeps {
  storage: Storage;
  /** The config entry; throws a 4xx UserError when it does not exist. */
  loadConfig(name: string): Promise<LifecycleConfig>;
  /** SCM access for a config, sharing the server's one SCM concurrency limit. */
  ordersFor(name: string): Promise<ScmOrders>;
  classifyCollectError: CollectErrorClassifier;
  /** The server's request deadline; a collect loop answers before it. */
  maxRequestDurationMs: number;
  /**
   * How long an order call whose answer was lost (crash, timeout) may still
   * land at SCM: before then, SCM not showing the order proves nothing.
   */
  orderGraceMs: number;
  logger: LifecycleLogger;
}

export const DEFAULT_ORDER_GRACE_MS = 2 * 60_000;

/** What a lifecycle operation hands back to a path handler. */
export interface LifecycleResult {
  record: CertificateRecord;
  warnings: string[];
}

/** Per-request collect settings (plugin fields, seconds). */
export interface CollectRequest {
  sectigo_max_timeout?: number;
  sectigo_loop_period?: number;
  signal?: AbortSignal;
}

export const DEFAULT_MAX_TIMEOUT_S = 60;
export const DEFAULT_LOOP_PERIOD_S = 5;

export class CertificateLifecycle {
  readonly records: RecordStore;
  readonly flights = new SingleFlight();
  readonly idempotency: IdempotencyLedger;
  readonly intents: OrderIntentStore;

  constructor(readonly deps: LifecycleDeps) {
    this.records = new RecordStore(deps.storage);
    this.idempotency = new IdempotencyLedger(deps.storage);
    this.intents = new OrderIntentStore(deps.storage);
  }

  /** Until when an order call made at `startedAt` (RFC 3339) may still land at SCM, in epoch ms. */
  orderSettlesAt(startedAt: string): number {
    return Date.parse(startedAt) + this.deps.orderGraceMs;
  }

  /**
   * The collect budget of one HTTP request: the caller's sectigo_max_timeout,
   * but always answering a little before the server's own deadline would cut
   * the request off (the plugin's users hit exactly that, SPEC §4.4).
   */
  timing(req: CollectRequest): CollectTiming & { cappedByServer: boolean } {
    const requestedMs = (req.sectigo_max_timeout ?? DEFAULT_MAX_TIMEOUT_S) * 1000;
    const serverMs = this.deps.maxRequestDurationMs;
    const budgetMs = Math.max(0, serverMs - Math.min(2_000, serverMs * 0.1));
    return {
      loopPeriodMs: (req.sectigo_loop_period ?? DEFAULT_LOOP_PERIOD_S) * 1000,
      maxWaitMs: Math.min(requestedMs, budgetMs),
      cappedByServer: budgetMs < requestedMs,
      signal: req.signal,
    };
  }

  /**
   * Collects a pending record and stores what happened. Concurrent callers
   * share one poll loop; `timedOut` marks the caller as a foreground request
   * whose giving up is recorded as TimedoutStateSaved.
   */
  async collect(config: string, id: string, timing: CollectTiming, foreground = true): Promise<CertificateRecord> {
    return this.flights.run(`collect:${config}/${id}`, async () => {
      const start = await this.records.require(config, id);
      if (!shouldCollectOnRead(start)) return start;
      const orders = await this.deps.ordersFor(config);
      const outcome = await collectUntilIssued(collectAttempt(orders, start), this.deps.classifyCollectError, timing);
      return this.records.update(config, id, (current) => {
        // Someone else (revoke, a replace) moved the record on meanwhile: theirs wins.
        if (current.state.length !== start.state.length) return undefined;
        const next = recordAfterCollect(current, outcome, foreground);
        return next === current ? undefined : { records: [next] };
      });
    });
  }

  /** Warnings a response carries for a record that is not (yet) issued. */
  pendingWarnings(record: CertificateRecord, req: CollectRequest): string[] {
    const path = `certs/${record.config_name}/${record.cert_unique_id}`;
    switch (currentStatus(record)) {
      case 'TimedoutStateSaved':
      case 'Applied':
      case 'Replaced': {
        const timing = this.timing(req);
        const waited = `${Math.round(timing.maxWaitMs / 1000)} s`;
        const why = timing.cappedByServer
          ? `the server's max_request_duration cut the wait to ${waited}`
          : `sectigo_max_timeout (${waited}) ran out`;
        return [
          `SCM has not issued the certificate yet (${why}); the order and private key are saved. ` +
            `Read ${path} later to collect it; the background collector keeps trying meanwhile.`,
        ];
      }
      case 'ErrorCode':
        return [
          `SCM error ${record.last_error?.code} while collecting: ${record.last_error?.description}. ` +
            `Fix the cause at SCM, then read ${path} to collect again.`,
        ];
      default:
        return [];
    }
  }
}
