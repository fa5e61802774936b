/**
 * The histogram every HTTP request feeds (scmpki_http_request_duration_seconds),
 * by family, operation and status. prom-client's Histogram turns the labels
 * into a hashed key on every observation, which cost more than a cached read
 * of a certificate; this one finds its series through a map per label and
 * counts into an array. It hands the registry what prom-client's Histogram
 * hands it (the same metric names, labels, order and values), so the
 * Prometheus text and the JSON format read it as one of prom-client's own.
 */
import type { Metric, Registry } from 'prom-client';

interface Series {
  labels: { family: string; operation: string; status: string };
  /** Observations per bucket (not cumulative); one above the last bound counts in none. */
  buckets: number[];
  sum: number;
  count: number;
}

interface ExportedValue {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
}

export class RequestHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  /** family → operation → status → series. */
  private readonly byLabels = new Map<string, Map<string, Map<number, Series>>>();
  /** In the order first observed, as prom-client exports them. */
  private readonly all: Series[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly upperBounds: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  observe(family: string, operation: string, status: number, seconds: number): void {
    let operations = this.byLabels.get(family);
    if (!operations) this.byLabels.set(family, (operations = new Map()));
    let statuses = operations.get(operation);
    if (!statuses) operations.set(operation, (statuses = new Map()));
    let series = statuses.get(status);
    if (!series) {
      series = { labels: { family, operation, status: String(status) }, buckets: this.upperBounds.map(() => 0), sum: 0, count: 0 };
      statuses.set(status, series);
      this.all.push(series);
    }
    const bounds = this.upperBounds;
    for (let index = 0; index < bounds.length; index++) {
      if (seconds <= bounds[index]!) {
        series.buckets[index]! += 1;
        break;
      }
    }
    series.sum += seconds;
    series.count += 1;
  }

  /** What the Prometheus text is written from: `le` as the value's labels, the series' as shared ones. */
  async getForPromString() {
    const values: ExportedValue[] = [];
    for (const series of this.all) {
      let cumulative = 0;
      this.upperBounds.forEach((bound, index) => {
        cumulative += series.buckets[index]!;
        values.push({ labels: { le: bound }, sharedLabels: series.labels, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: series.labels, value: series.count, metricName: `${this.name}_bucket` },
        { labels: {}, sharedLabels: series.labels, value: series.sum, metricName: `${this.name}_sum` },
        { labels: {}, sharedLabels: series.labels, value: series.count, metricName: `${this.name}_count` },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The JSON form: each value's labels with the series' spread in. */
  async get() {
    const data = await this.getForPromString();
    return { ...data, values: data.values.map(({ labels, sharedLabels, value, metricName }) => ({ labels: { ...labels, ...sharedLabels }, value, metricName })) };
  }

  reset(): void {
    this.byLabels.clear();
    this.all.length = 0;
  }
}
