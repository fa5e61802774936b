/**
 * sys/metrics of a real server over real HTTP, with the SCM simulator (real
 * CA) behind it: the Prometheus scrape parses, the counters move with a
 * certificate's life, the estate gauges agree with what LIST shows, the JSON
 * form has Vault's shape, and the path needs a token unless the server says
 * otherwise.
 */
import { t } from '../helpers/suite.js';
import { enrollIssued, setUp, SSL_CONFIG, sslEnroll } from '../helpers/engine-fixture.js';
import { samples, scrape } from '../helpers/prometheus-scrape.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { vaultRequest } from '../helpers/vault-api.js';
import { waitFor } from '../helpers/wait-for.js';
import { loadSettings } from '../../src/server/settings.js';

const setup = await setUp(t);
await setup.writeConfig('web', SSL_CONFIG);
const { url, token: root } = setup.server;
const OPERATIONS = 'scmpki_certificate_operations_total';

const operations = async (operation: string, outcome: string) => (await scrape(url, root)).value(OPERATIONS, { operation, outcome }) ?? 0;

t.test('the Prometheus scrape parses, carries the process metrics and names no id', async (t) => {
  const scraped = await scrape(url, root);
  t.match(scraped.contentType, /^text\/plain; version=0\.0\.4/);
  for (const name of ['process_cpu_user_seconds_total', 'nodejs_eventloop_lag_seconds', 'scmpki_scm_max_concurrency', 'scmpki_key_pool_queue_length', 'scmpki_scm_requests_in_flight', 'scmpki_scm_requests_queued']) {
    t.ok(scraped.families.some((family) => family.name === name), `${name} is there`);
  }
  t.equal(scraped.value('scmpki_scm_max_concurrency'), 16, 'the scm_max_concurrency setting');
  t.equal(scraped.value('scmpki_scm_requests_queued'), 0);
});

t.test('an enroll, a collect and two revocations move the right counters and histograms', async (t) => {
  const before = { enroll: await operations('enroll', 'success'), revoke: await operations('revoke', 'success'), rejected: await operations('revoke', 'rejected') };
  const pending = await setup.call('POST', 'enroll/web', { ...sslEnroll('metrics-pending.example.com'), sectigo_max_timeout: 0 });
  t.equal(pending.status, 200);
  const id: string = pending.body.data.cert_unique_id;
  const issued = await waitFor('the read to collect the certificate', async () => {
    const read = await setup.call('GET', `certs/web/${id}?sectigo_loop_period=0.1&sectigo_max_timeout=5`);
    return read.body?.data?.state?.at(-1)?.status === 'Issued' ? read.body.data : undefined;
  });
  t.equal(issued.cert_unique_id, id);
  t.equal((await setup.call('POST', `revoke/web/${id}`, {})).status, 200);
  t.equal((await setup.call('POST', `revoke/web/${id}`, {})).status, 400, 'SCM refuses a second revocation');

  t.equal(await operations('enroll', 'success'), before.enroll + 1);
  t.equal(await operations('revoke', 'success'), before.revoke + 1);
  t.equal(await operations('revoke', 'rejected'), before.rejected + 1, 'an SCM refusal is rejected, not failed');

  const scm = await samples(url, root, 'scmpki_scm_request_duration_seconds');
  const endpoints = new Set(scm.map((sample) => `${sample.Labels.method} ${sample.Labels.endpoint} ${sample.Labels.outcome}`));
  for (const expected of ['POST /ssl/v1/enroll ok', 'GET /ssl/v1/collect/{id} ok', 'POST /ssl/v1/revoke/{id} ok', 'POST /ssl/v1/revoke/{id} error']) {
    t.ok(endpoints.has(expected), `SCM calls: ${expected}`);
  }
  const http = await samples(url, root, 'scmpki_http_request_duration_seconds');
  const families = new Set(http.map((sample) => `${sample.Labels.family} ${sample.Labels.operation} ${sample.Labels.status}`));
  for (const expected of ['enroll update 200', 'certs read 200', 'revoke update 200', 'revoke update 400', 'configs update 204']) {
    t.ok(families.has(expected), `HTTP requests: ${expected}`);
  }
  const labels = JSON.stringify([...scm, ...http].map((sample) => sample.Labels));
  t.notOk(labels.includes(id) || labels.includes(String(issued.ssl_id)), 'no certificate or order id became a label');
  const storage = await samples(url, root, 'scmpki_storage_operation_duration_seconds');
  t.ok(storage.some((sample) => sample.Labels.op === 'batch' && sample.Count > 0), 'storage batches are timed');
  const keys = await samples(url, root, 'scmpki_key_task_duration_seconds');
  t.ok(keys.some((sample) => sample.Labels.task === 'generateWithCsr' && sample.Labels.key === 'RSA 2048' && sample.Count > 0), 'the key was generated in the pool');
});

t.test('the records gauge matches LIST, and a certificate SCM re-issued short-lived counts as expiring', async (t) => {
  const short = await enrollIssued(setup, 'web', sslEnroll('metrics-expiring.example.com'));
  await setup.sim.controls.expireSsl(short.ssl_id, 5);
  t.equal((await setup.call('POST', `sync/web/${short.cert_unique_id}`, {})).status, 200);

  const listed = await setup.call('LIST', 'certs/web');
  const byState = new Map<string, number>();
  for (const info of Object.values(listed.body.data.key_info) as Array<{ status: string }>) byState.set(info.status, (byState.get(info.status) ?? 0) + 1);
  t.same([...byState.keys()].sort(), ['Issued', 'Revoked']);
  // One count of the estate answers scrapes for a second or more: wait for one made after the writes.
  const scraped = await waitFor('a count of the estate after the writes', async () => {
    const s = await scrape(url, root);
    return [...byState].every(([state, n]) => s.value('scmpki_records', { config: 'web', state }) === n) && s.value('scmpki_certificates_expiring', { config: 'web', within: '7d' }) === 1 ? s : undefined;
  });
  t.same(scraped.series('scmpki_records').filter((labels) => labels.config === 'web').length, byState.size, 'one series per state the config has');
  t.equal(scraped.value('scmpki_certificates_expiring', { config: 'web', within: '30d' }), 1);
  t.equal(scraped.value('scmpki_certificates_expired', { config: 'web' }), undefined, 'nothing has expired');
  t.equal(scraped.value('scmpki_background_due', { work: 'collect' }), 0, 'nothing left to collect');
});

t.test('the background workers report their passes', async (t) => {
  // Both run a first pass at start.
  const passes = await waitFor('a pass of each worker', async () => {
    const found = await samples(url, root, 'scmpki_background_pass_duration_seconds');
    return found.length === 2 ? found : undefined;
  });
  t.same(passes.map((sample) => sample.Labels.worker).sort(), ['collector', 'renewer']);
  t.ok(passes.every((sample) => sample.Count >= 1 && sample.Mean >= 0));
});

t.test('without format, the answer has Vault\'s JSON shape', async (t) => {
  const reply = await vaultRequest(url, root, 'GET', 'sys/metrics');
  t.equal(reply.status, 200);
  t.same(Object.keys(reply.body).sort(), ['Counters', 'Gauges', 'Samples', 'Timestamp']);
  t.ok(!Number.isNaN(Date.parse(reply.body.Timestamp)));
  t.match(reply.body.Gauges.find((g: { Name: string }) => g.Name === 'scmpki_scm_max_concurrency'), { Value: 16, Labels: {} });
  t.match(reply.body.Counters.find((c: { Name: string; Labels: { operation?: string } }) => c.Name === OPERATIONS && c.Labels.operation === 'enroll'), {
    Count: Number,
    Sum: Number,
    Labels: { operation: 'enroll', outcome: 'success' },
  });
  t.ok(reply.body.Samples.every((s: { Labels: Record<string, string> }) => !('le' in s.Labels)), 'samples are per series, not per bucket');
  const bad = await vaultRequest(url, root, 'GET', 'sys/metrics?format=xml');
  t.equal(bad.status, 400);
  t.match(bad.body.errors[0], /^format: /);
});

t.test('sys/metrics needs a token with read on it', async (t) => {
  t.equal((await vaultRequest(url, '', 'GET', 'sys/metrics')).status, 403);
  await vaultRequest(url, root, 'PUT', 'sys/policies/acl/scraper', { policy: 'path "sys/metrics" { capabilities = ["read"] }' });
  await vaultRequest(url, root, 'PUT', 'sys/policies/acl/other', { policy: 'path "sys/health" { capabilities = ["read"] }' });
  const scraper = (await vaultRequest(url, root, 'POST', 'auth/token/create', { policies: ['scraper'] })).body.auth.client_token;
  const other = (await vaultRequest(url, root, 'POST', 'auth/token/create', { policies: ['other'] })).body.auth.client_token;
  t.ok((await scrape(url, scraper)).families.length > 0, 'read on sys/metrics scrapes');
  t.equal((await vaultRequest(url, other, 'GET', 'sys/metrics')).status, 403);
  const denied = await samples(url, root, 'scmpki_http_request_duration_seconds');
  t.ok(denied.some((s) => s.Labels.family === 'sys/metrics' && s.Labels.status === '403'), 'refused scrapes are counted under their family');
});

t.test('unauthenticated_metrics_access lets a scrape through without a token', async (t) => {
  const open = await startTestServer(t, { unauthenticated_metrics_access: true });
  t.ok((await scrape(open.url, undefined)).families.length > 0);
  t.equal((await vaultRequest(open.url, '', 'GET', 'sys/loggers')).status, 403, 'nothing else opens');
  t.equal((await loadSettings(undefined, { SCMPKI_UNAUTHENTICATED_METRICS_ACCESS: 'true' })).unauthenticated_metrics_access, true, 'also from the environment');
  t.equal((await loadSettings(undefined, {})).unauthenticated_metrics_access, false, 'off by default');
});

t.test('the OpenAPI document and ?help=1 describe sys/metrics and sys/loggers', async (t) => {
  const paths = (await vaultRequest(url, root, 'GET', 'sys/internal/specs/openapi')).body.paths;
  t.ok(paths['/sys/metrics/']?.get, 'sys/metrics');
  t.ok(paths['/sys/loggers/']?.post && paths['/sys/loggers/{name}']?.delete, 'sys/loggers and sys/loggers/{name}');
  t.match((await vaultRequest(url, root, 'GET', 'sys/metrics?help=1')).body.help, /format=prometheus/);
});
