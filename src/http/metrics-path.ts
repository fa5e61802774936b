/**
 * sys/metrics, as Vault serves it: JSON (go-metrics' Gauges, Counters and
 * Samples) by default, the Prometheus text format with `format=prometheus`
 * or when the client asks for OpenMetrics in `Accept` (Prometheus does).
 * Needs `read` on sys/metrics, unless the server's
 * `unauthenticated_metrics_access` setting opens it (auth/require-token.ts).
 */
import { definePath, type PathDefinition } from '../framework/path.js';

/** metrics/server-metrics.ts is the server's. */
export interface MetricsSource {
  prometheus(): Promise<string>;
  readonly prometheusContentType: string;
  vaultJson(): Promise<unknown>;
}

const metrics = definePath<MetricsSource>({
  pattern: '',
  synopsis: 'Server metrics: JSON, or Prometheus text with format=prometheus',
  help: [
    'Every metric of docs/monitoring.md. Without `format`, Vault\'s JSON shape: `Timestamp`, `Gauges`, `Counters` and `Samples`',
    '(histograms as count, sum and mean). With `format=prometheus`, or an `Accept` header naming `application/openmetrics-text`,',
    'the Prometheus text format with histogram buckets. Needs `read` on `sys/metrics`, or no token at all when the server runs with',
    '`unauthenticated_metrics_access`.',
  ].join(' '),
  fields: {
    format: { type: 'string', enum: ['', 'prometheus'], description: 'Empty for JSON, or prometheus' },
  },
  operations: {
    read: async ({ data, headers }, source) => {
      const prometheus = data.format === 'prometheus' || (data.format === undefined && (headers.accept ?? '').includes('application/openmetrics-text'));
      if (prometheus) return { verbatim: { status: 200, contentType: source.prometheusContentType, body: await source.prometheus() } };
      return { raw: { status: 200, body: await source.vaultJson() } };
    },
  },
});

export const metricsPaths: PathDefinition<MetricsSource>[] = [metrics];
