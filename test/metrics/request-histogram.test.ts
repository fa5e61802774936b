/**
 * The request histogram (src/metrics/request-histogram.ts) exports exactly
 * what prom-client's Histogram exports for the same observations: the same
 * Prometheus text and the same JSON.
 */
import { Histogram, Registry } from 'prom-client';
import { t } from '../helpers/suite.js';
import { RequestHistogram } from '../../src/metrics/request-histogram.js';

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const OBSERVED: Array<[string, string, number, number]> = [
  ['certs', 'read', 200, 0.0004],
  ['certs', 'read', 200, 0.0031],
  ['enroll', 'update', 200, 1.7],
  ['certs', 'read', 404, 0.001],
  ['sys/health', 'read', 200, 0.0005],
  ['certs', 'read', 200, 75],
  ['enroll', 'update', 502, 30],
];

function both() {
  const theirs = new Registry();
  const ours = new Registry();
  const histogram = new Histogram({ name: 'h_seconds', help: 'requests', labelNames: ['family', 'operation', 'status'], buckets: BUCKETS, registers: [theirs] });
  const fast = new RequestHistogram('h_seconds', 'requests', BUCKETS, ours);
  for (const [family, operation, status, seconds] of OBSERVED) {
    histogram.labels(family, operation, String(status)).observe(seconds);
    fast.observe(family, operation, status, seconds);
  }
  return { theirs, ours, fast };
}

t.test('the Prometheus text is prom-client\'s', async (t) => {
  const { theirs, ours } = both();
  t.equal(await ours.metrics(), await theirs.metrics());
});

t.test('the JSON is prom-client\'s', async (t) => {
  const { theirs, ours } = both();
  const strip = (metrics: Awaited<ReturnType<Registry['getMetricsAsJSON']>>) =>
    metrics.map((metric) => ({ ...metric, values: metric.values.map(({ labels, value, metricName }: any) => ({ labels, value, metricName })) }));
  t.same(strip(await ours.getMetricsAsJSON()), strip(await theirs.getMetricsAsJSON()));
});

t.test('reset empties it', async (t) => {
  const { ours, fast } = both();
  fast.reset();
  t.equal(await ours.metrics(), '# HELP h_seconds requests\n# TYPE h_seconds histogram\n');
});
