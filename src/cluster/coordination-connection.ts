/**
 * One PostgreSQL session per replica for everything the replicas coordinate
 * through: advisory locks (pg-locks.ts), the leader lease (leader-lease.ts)
 * and the notice channel (`LISTEN`/`NOTIFY`) that carries lock releases and
 * written keys (change-feed.ts). Storage reads and writes use the storage's
 * own pool, never this session.
 *
 * Why one session: a session-level advisory lock dies with the session, so a
 * replica killed with kill -9 frees every lock it held the moment PostgreSQL
 * sees its connection close; and locks are taken with `pg_try_advisory_lock`
 * (never the blocking form), so one session serves every lock of the replica
 * without one waiter stalling the rest.
 *
 * When the session is lost, everything tied to it is lost too: the locks it
 * held and the notices sent meanwhile. `onLost` tells the parts that must
 * react (caches forget everything); the connection is re-made with back-off
 * and `onRestored` fires once it listens again. While it is down, `query`
 * throws StorageUnavailableError (a 503 at the edge).
 */
import pg from 'pg';
import { StorageUnavailableError } from '../errors.js';
import { isUnavailable } from '../storage/postgres/unavailable.js';

export interface ClusterLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** The channel every replica of one database listens on. */
export const CLUSTER_CHANNEL = 'scmpki_cluster';

const MAX_RECONNECT_DELAY_MS = 2_000;

export interface CoordinationOptions {
  connectionString: string;
  logger: ClusterLogger;
  /** Test hook: a shorter first back-off. */
  reconnectDelayMs?: number;
}

export class CoordinationConnection {
  private client: pg.Client | undefined;
  /** Bumped whenever a session is lost: a lock taken in an older session is gone. */
  private sessionNumber = 0;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private readonly noticeListeners: Array<(payload: string) => void> = [];
  private readonly lostListeners: Array<() => void> = [];
  private readonly restoredListeners: Array<() => void> = [];
  /** The last statement sent: the session runs one at a time, in order (pg deprecates queueing them inside the client). */
  private lastStatement: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: CoordinationOptions) {}

  /** The first connection; a server that cannot make it does not start. */
  async open(): Promise<void> {
    this.client = await this.connect();
  }

  /** The session a lock was taken in; compare with `session` before relying on it. */
  get session(): number {
    return this.sessionNumber;
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  onNotice(listener: (payload: string) => void): void {
    this.noticeListeners.push(listener);
  }

  onLost(listener: () => void): void {
    this.lostListeners.push(listener);
  }

  onRestored(listener: () => void): void {
    this.restoredListeners.push(listener);
  }

  async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    const client = this.client;
    if (!client) throw new StorageUnavailableError('the connection to PostgreSQL is down; retry shortly');
    try {
      const statement = this.lastStatement.then(() => client.query<R>(text, values));
      this.lastStatement = statement.catch(() => undefined);
      return (await statement).rows;
    } catch (err) {
      // A statement cut by a lost connection or a stopping server is an outage, not a bug.
      if (this.client !== client || isUnavailable(err)) throw new StorageUnavailableError(`the connection to PostgreSQL was lost (${(err as Error).message}); retry shortly`);
      throw err;
    }
  }

  /** Sends a notice to every replica (this one included). */
  async notify(payload: string): Promise<void> {
    await this.query('SELECT pg_notify($1, $2)', [CLUSTER_CHANNEL, payload]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.options.connectionString, keepAlive: true, application_name: 'scmpki-coordination' });
    client.on('notification', (message) => {
      if (message.channel === CLUSTER_CHANNEL && message.payload !== undefined) {
        for (const listener of this.noticeListeners) listener(message.payload);
      }
    });
    client.on('error', (err) => this.lose(client, err));
    client.on('end', () => this.lose(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${CLUSTER_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    return client;
  }

  private lose(client: pg.Client, err: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.sessionNumber++;
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.options.logger.error({ err: err.message }, 'lost the coordination connection to PostgreSQL: locks held here are released, caches are cleared; reconnecting');
    for (const listener of this.lostListeners) listener();
    this.reconnect(this.options.reconnectDelayMs ?? 100);
  }

  private reconnect(delayMs: number): void {
    this.reconnectTimer = setTimeout(() => {
      this.connect().then(
        (client) => {
          if (this.closed) {
            void client.end();
            return;
          }
          this.client = client;
          this.options.logger.info({}, 'coordination connection to PostgreSQL restored');
          for (const listener of this.restoredListeners) listener();
        },
        () => this.reconnect(Math.min(MAX_RECONNECT_DELAY_MS, delayMs * 2)),
      );
    }, delayMs);
    this.reconnectTimer.unref();
  }
}
