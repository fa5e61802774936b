/**
 * Which replica runs the background work (collector, renewer, intent
 * recovery). Every replica answers every request; only that work is the
 * leader's, so a large estate is scanned once, not once per replica.
 * Correctness never rests on it: each record's work runs under the
 * cross-replica locks (pg-locks.ts), so two leaders for a moment (a paused
 * process that has not yet noticed it lost its lease) cost duplicate reads,
 * never a duplicate order.
 *
 * - `SoleLeadership`: one process on its own storage (LevelDB) is always
 *   the leader; `sys/leader` says HA is off, as Vault does without HA.
 * - `LeaseLeadership`: a lease row in PostgreSQL (holder, advertised
 *   address, expiry by the database's clock). Every replica tries to claim
 *   or renew it every `intervalMs`; a row not renewed for `ttlMs` may be
 *   taken by the next replica that tries. A leader that cannot renew steps
 *   down at once; one that shuts down deletes its row, so another takes over
 *   at its next try instead of after the lease ran out.
 */
import { StorageUnavailableError } from '../errors.js';
import { LEADER_TABLE } from '../storage/postgres/schema.js';
import type { ClusterLogger, CoordinationConnection } from './coordination-connection.js';

export interface LeaderStatus {
  haEnabled: boolean;
  isSelf: boolean;
  /** RFC 3339: when the current leader took over; absent when not known. */
  activeTime?: string;
  /** The leader's advertised address (`api_addr`); empty when no leader is known. */
  leaderAddress: string;
}

export interface LeaderHandlers {
  gained(): void;
  lost(): void;
}

export interface Leadership {
  status(): LeaderStatus;
  start(handlers: LeaderHandlers): Promise<void>;
  stop(): Promise<void>;
}

export class SoleLeadership implements Leadership {
  private handlers: LeaderHandlers | undefined;

  status(): LeaderStatus {
    return { haEnabled: false, isSelf: false, leaderAddress: '' };
  }

  async start(handlers: LeaderHandlers): Promise<void> {
    this.handlers = handlers;
    handlers.gained();
  }

  async stop(): Promise<void> {
    this.handlers?.lost();
  }
}

export interface LeaseTimings {
  /** A lease not renewed for this long may be taken over. */
  ttlMs: number;
  /** How often every replica renews or tries to claim it. */
  intervalMs: number;
}

export const DEFAULT_LEASE_TIMINGS: LeaseTimings = { ttlMs: 10_000, intervalMs: 2_000 };

interface LeaseRow {
  holder: string;
  address: string;
  active_since: Date;
}

/** Claims a free or expired lease, renews our own, and answers with whoever holds it now. */
const CLAIM_OR_RENEW = `WITH claimed AS (
  INSERT INTO ${LEADER_TABLE} AS l (singleton, holder, address, active_since, expires_at)
  VALUES (true, $1, $2, now(), now() + make_interval(secs => $3::double precision / 1000))
  ON CONFLICT (singleton) DO UPDATE SET
    holder = excluded.holder,
    address = excluded.address,
    active_since = CASE WHEN l.holder = excluded.holder THEN l.active_since ELSE now() END,
    expires_at = excluded.expires_at
  WHERE l.holder = excluded.holder OR l.expires_at < now()
  RETURNING holder, address, active_since
)
SELECT holder, address, active_since FROM claimed
UNION ALL
SELECT holder, address, active_since FROM ${LEADER_TABLE} WHERE NOT EXISTS (SELECT 1 FROM claimed)`;

export class LeaseLeadership implements Leadership {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private leading = false;
  /** performance.now() of the last renewal that kept us leader. */
  private renewedAt = 0;
  private known: LeaseRow | undefined;
  private handlers: LeaderHandlers | undefined;
  private ticking: Promise<void> | undefined;

  constructor(
    private readonly connection: CoordinationConnection,
    private readonly self: { holder: string; address: string },
    private readonly timings: LeaseTimings,
    private readonly logger: ClusterLogger,
  ) {}

  status(): LeaderStatus {
    const row = this.known;
    return {
      haEnabled: true,
      isSelf: this.leading,
      ...(row && { activeTime: row.active_since.toISOString() }),
      leaderAddress: row?.address ?? '',
    };
  }

  async start(handlers: LeaderHandlers): Promise<void> {
    this.handlers = handlers;
    await this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
    if (!this.leading) return;
    this.stepDown('shutting down');
    await this.connection.query(`DELETE FROM ${LEADER_TABLE} WHERE holder = $1`, [this.self.holder]).catch(() => undefined);
  }

  private tick(): Promise<void> {
    this.ticking = this.claimOrRenew().finally(() => {
      this.ticking = undefined;
      if (this.stopped) return;
      this.timer = setTimeout(() => void this.tick(), this.timings.intervalMs);
      this.timer.unref();
    });
    return this.ticking;
  }

  private async claimOrRenew(): Promise<void> {
    // A process paused past its lease (a stalled event loop) must not act on it.
    if (this.leading && performance.now() - this.renewedAt > this.timings.ttlMs) this.stepDown('lease ran out before it was renewed');
    let row: LeaseRow | undefined;
    try {
      [row] = await this.connection.query<LeaseRow>(CLAIM_OR_RENEW, [this.self.holder, this.self.address, this.timings.ttlMs]);
    } catch (err) {
      if (this.leading) this.stepDown('could not renew the leader lease');
      if (!(err instanceof StorageUnavailableError)) this.logger.warn({ err }, 'leader lease check failed');
      return;
    }
    this.known = row;
    const mine = row?.holder === this.self.holder;
    if (mine) this.renewedAt = performance.now();
    if (mine && !this.leading) {
      this.leading = true;
      this.logger.info({ address: this.self.address }, 'this replica is the leader: background work runs here');
      this.handlers?.gained();
    } else if (!mine && this.leading) {
      this.stepDown(`the lease is held by ${row?.address ?? 'nobody'}`);
    }
  }

  private stepDown(reason: string): void {
    this.leading = false;
    this.logger.warn({ reason }, 'this replica is no longer the leader: background work stopped here');
    this.handlers?.lost();
  }
}
