/**
 * The server's one metrics registry (prom-client): every metric is declared
 * here, with its labels, and fed through the few methods below, so a reader
 * finds the whole list in one file (docs/monitoring.md describes each).
 *
 * Labels are bounded sets: a path family (`certs`, `sys/health`), never a
 * raw path; an SCM endpoint with its ids as `{id}`; a config name, which the
 * operator creates. An id never becomes a label.
 *
 * Two kinds of metric:
 * - events (requests, SCM calls, operations, passes, storage calls), counted
 *   as they happen through cached label children, so a request pays a map
 *   lookup and an observe; the HTTP requests, one per request, through
 *   request-histogram.ts, which skips prom-client's label hashing;
 * - samples (SCM limiter, key pool queue, the estate), read when scraped. The
 *   estate comes from the clear index (lifecycle/estate.ts); one count
 *   answers scrapes for twenty times what it took, at least a second, so
 *   a large estate (100,000 records, a few hundred ms) is counted at most
 *   every few seconds however many scrapers poll, while a small one stays
 *   current.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type LabelValues } from 'prom-client';
import { EXPIRY_HORIZONS_DAYS, type EstateCounts } from '../lifecycle/estate.js';
import type { LifecycleTelemetry } from '../lifecycle/telemetry.js';
import type { KeyTaskEvent } from '../pki/index.js';
import type { ScmLimiter, ScmRequestEvent } from '../scm/index.js';
import { RequestHistogram } from './request-histogram.js';

/** One count of the estate answers scrapes for this many times what it took… */
const ESTATE_REUSE_FACTOR = 20;
/** …and at least this long. */
const ESTATE_MIN_REUSE_MS = 1_000;

/** Seconds: from a cached read (well under a millisecond) to a slow SCM call. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const PASS_BUCKETS = [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900];

export type StorageOperation = 'get' | 'get_clear' | 'put' | 'delete' | 'batch' | 'list' | 'range' | 'swap_raw';

/** What the scrape samples: the server's running parts, read only when scraped. */
export interface ScrapeSources {
  scmLimiter: ScmLimiter;
  keyPoolQueueSize: () => number;
  estate: () => Promise<EstateCounts>;
}

/** Label children by their joined values: `labels()` hashes its arguments on every call. */
class ChildCache<C> {
  private readonly children = new Map<string, C>();
  constructor(private readonly make: (...values: string[]) => C) {}
  get(...values: string[]): C {
    const key = values.join('\u0000');
    let child = this.children.get(key);
    if (!child) this.children.set(key, (child = this.make(...values)));
    return child;
  }
}

export class ServerMetrics {
  readonly registry = new Registry();

  private readonly httpRequests = new RequestHistogram('scmpki_http_request_duration_seconds', 'HTTP requests by path family, operation and status', LATENCY_BUCKETS, this.registry);

  /** Counted here and handed to the counter when scraped: a read answered on the hot path pays a map update, not prom-client's label hashing. */
  private readonly hotReadCounts = new Map<string, number>();

  private readonly scmRequests = new Histogram({
    name: 'scmpki_scm_request_duration_seconds',
    help: 'Attempts of SCM calls by endpoint (ids as {id}), method and outcome (ok, error, unreachable)',
    labelNames: ['endpoint', 'method', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly scmChildren = new ChildCache((endpoint, method, outcome) => this.scmRequests.labels(endpoint!, method!, outcome!));

  private readonly operations = new Counter({
    name: 'scmpki_certificate_operations_total',
    help: 'Enrolls, renewals and revocations by outcome (success, rejected, failed)',
    labelNames: ['operation', 'outcome'],
    registers: [this.registry],
  });

  private readonly passes = new Histogram({
    name: 'scmpki_background_pass_duration_seconds',
    help: 'Passes of the background collector and renewer',
    labelNames: ['worker'],
    buckets: PASS_BUCKETS,
    registers: [this.registry],
  });

  private readonly keyTasks = new Histogram({
    name: 'scmpki_key_task_duration_seconds',
    help: 'Key generation and CSR signing in the key pool, by task and key kind, including the wait for a thread',
    labelNames: ['task', 'key'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly storageCalls = new Histogram({
    name: 'scmpki_storage_operation_duration_seconds',
    help: 'Storage operations below the read cache, by operation',
    labelNames: ['op'],
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly storageChildren = new ChildCache((op) => this.storageCalls.labels(op!));

  private estateCache: { until: number; counts: Promise<EstateCounts> } | undefined;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const hotReadCounts = this.hotReadCounts;
    new Counter({
      name: 'scmpki_http_hot_reads_total',
      help: 'Plain reads answered in front of the middleware chain (http/hot-read.ts), by path family; each is also in scmpki_http_request_duration_seconds',
      labelNames: ['family'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [family, count] of hotReadCounts) this.inc({ family }, count);
      },
    });
  }

  observeRequest(family: string, operation: string, status: number, seconds: number): void {
    this.httpRequests.observe(family, operation, status, seconds);
  }

  observeHotRead(family: string): void {
    this.hotReadCounts.set(family, (this.hotReadCounts.get(family) ?? 0) + 1);
  }

  observeScm(event: ScmRequestEvent): void {
    const outcome = event.status === 0 ? 'unreachable' : event.error ? 'error' : 'ok';
    this.scmChildren.get(event.endpoint, event.method, outcome).observe(event.durationMs / 1000);
  }

  observeKeyTask(event: KeyTaskEvent): void {
    this.keyTasks.labels(event.task, event.key).observe(event.seconds);
  }

  observeStorage(op: StorageOperation, seconds: number): void {
    this.storageChildren.get(op).observe(seconds);
  }

  /** What the lifecycle reports, into this registry. */
  readonly telemetry: LifecycleTelemetry = {
    operation: (kind, outcome) => this.operations.labels(kind, outcome).inc(),
    workerPass: (worker, seconds) => this.passes.labels(worker).observe(seconds),
  };

  /** Declares the sampled gauges, read from `sources` at each scrape. Called once, when the server's parts exist. */
  sample(sources: ScrapeSources): void {
    const limiter = sources.scmLimiter;
    this.sampledGauge('scmpki_scm_requests_in_flight', 'SCM requests open now (all configs share one limit)', () => limiter.inFlight);
    this.sampledGauge('scmpki_scm_requests_queued', 'SCM requests waiting for a slot under scm_max_concurrency', () => limiter.queued);
    this.sampledGauge('scmpki_scm_max_concurrency', 'The scm_max_concurrency setting', () => limiter.maxInFlight);
    this.sampledGauge('scmpki_key_pool_queue_length', 'Key generation and signing tasks waiting for a worker thread', sources.keyPoolQueueSize);
    const estate = () => this.estate(sources);
    this.estateGauge('scmpki_records', 'Certificate records by config and state (from the index)', ['config', 'state'], estate, (counts, set) => {
      for (const [config, states] of counts.byState) for (const [state, n] of states) set({ config, state }, n);
    });
    this.estateGauge('scmpki_certificates_expiring', 'Issued certificates whose not_after falls within the horizon (7d, 30d), by config', ['config', 'within'], estate, (counts, set) => {
      for (const [config, horizons] of counts.expiring) {
        for (const days of EXPIRY_HORIZONS_DAYS) set({ config, within: `${days}d` }, horizons.get(days) ?? 0);
      }
    });
    this.estateGauge('scmpki_certificates_expired', 'Issued certificates past their not_after, by config', ['config'], estate, (counts, set) => {
      for (const [config, n] of counts.expired) set({ config }, n);
    });
    this.estateGauge('scmpki_background_due', 'Records whose background work (collect, renew) is due now: the backlog of the next pass', ['work'], estate, (counts, set) => {
      set({ work: 'collect' }, counts.due.collect);
      set({ work: 'renew' }, counts.due.renew);
    });
  }

  /** Prometheus text format. */
  prometheus(): Promise<string> {
    return this.registry.metrics();
  }

  get prometheusContentType(): string {
    return this.registry.contentType;
  }

  /** Vault's JSON shape for sys/metrics (go-metrics' display form). */
  async vaultJson(): Promise<VaultMetricsJson> {
    return toVaultJson(await this.registry.getMetricsAsJSON(), new Date());
  }

  private estate(sources: ScrapeSources): Promise<EstateCounts> {
    const started = Date.now();
    if (this.estateCache && started < this.estateCache.until) return this.estateCache.counts;
    const counts = sources.estate();
    // Scrapes arriving while it counts share the count.
    const cache = (this.estateCache = { until: Number.POSITIVE_INFINITY, counts });
    counts.then(
      () => (cache.until = Date.now() + Math.max(ESTATE_MIN_REUSE_MS, (Date.now() - started) * ESTATE_REUSE_FACTOR)),
      // A failed count is not kept: the next scrape tries again.
      () => (cache.until = 0),
    );
    return counts;
  }

  private sampledGauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  private estateGauge<L extends string>(
    name: string,
    help: string,
    labelNames: L[],
    estate: () => Promise<EstateCounts>,
    fill: (counts: EstateCounts, set: (labels: LabelValues<L>, value: number) => void) => void,
  ): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        const counts = await estate();
        // Series of a config that no longer has any drop out.
        this.reset();
        fill(counts, (labels, value) => this.set(labels, value));
      },
    });
  }
}

type MetricsJson = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

export interface VaultMetricsJson {
  Timestamp: string;
  Gauges: Array<{ Name: string; Value: number; Labels: Record<string, string> }>;
  Counters: Array<{ Name: string; Count: number; Sum: number; Labels: Record<string, string> }>;
  Samples: Array<{ Name: string; Count: number; Sum: number; Mean: number; Labels: Record<string, string> }>;
}

function stringLabels(labels: Record<string, string | number | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([name, value]) => value !== undefined && name !== 'le').map(([name, value]) => [name, String(value)]));
}

/**
 * Gauges as they are; counters as go-metrics counters (Count and Sum are the
 * total, since every increment here is 1); histograms as samples (count, sum
 * and mean per label set; the buckets are in the Prometheus format only).
 */
function toVaultJson(metrics: MetricsJson, now: Date): VaultMetricsJson {
  const out: VaultMetricsJson = { Timestamp: now.toISOString(), Gauges: [], Counters: [], Samples: [] };
  for (const metric of metrics) {
    // prom-client declares `type` as a numeric enum but fills it with the type's name.
    const type = metric.type as unknown as string;
    if (type === 'gauge') {
      for (const value of metric.values) out.Gauges.push({ Name: metric.name, Value: value.value, Labels: stringLabels(value.labels) });
    } else if (type === 'counter') {
      for (const value of metric.values) out.Counters.push({ Name: metric.name, Count: value.value, Sum: value.value, Labels: stringLabels(value.labels) });
    } else if (type === 'histogram') {
      const bySeries = new Map<string, { Labels: Record<string, string>; Count: number; Sum: number }>();
      for (const value of metric.values) {
        const suffix = (value as { metricName?: string }).metricName?.slice(metric.name.length);
        if (suffix !== '_count' && suffix !== '_sum') continue;
        const labels = stringLabels(value.labels);
        const key = JSON.stringify(labels);
        const series = bySeries.get(key) ?? { Labels: labels, Count: 0, Sum: 0 };
        if (suffix === '_count') series.Count = value.value;
        else series.Sum = value.value;
        bySeries.set(key, series);
      }
      for (const series of bySeries.values()) {
        out.Samples.push({ Name: metric.name, Count: series.Count, Sum: series.Sum, Mean: series.Count === 0 ? 0 : series.Sum / series.Count, Labels: series.Labels });
      }
    }
  }
  return out;
}
