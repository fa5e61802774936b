import { t } from '../helpers/suite.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { simulatorConnection } from '../helpers/scm-connection.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { engineCaller } from '../helpers/vault-api.js';

const sim = await startTestSimulator(t, { issueDelayMs: 200 });
const server = await startTestServer(t, { log_level: 'silent' });
const api = engineCaller(server.url, server.token);

t.test('over HTTP: config with verify, enroll, list with key_info, readcert, read with auto-renew, delete', async (t) => {
  const config = await api('POST', 'configs/web', {
    ...simulatorConnection(sim), sectigo_config_type: 'ssl_cert', sectigo_ssl_cert_type: 2001, sectigo_ssl_cert_validity: 365, verify: true,
  });
  t.equal(config.status, 204);

  const enroll = await api('POST', 'enroll/web', { sectigo_csr_domain: 'http.example.com', sectigo_loop_period: '0.2', sectigo_csr_key_size: '2048' }, { 'idempotency-key': 'h-1' });
  t.equal(enroll.status, 200);
  const id = enroll.body.data.cert_unique_id;
  t.same(enroll.body.data.state.map((s: { status: string }) => s.status), ['Applied', 'Issued']);
  t.match(enroll.body.data.private_key, /BEGIN PRIVATE KEY/);

  const retry = await api('PUT', 'enroll/web', { sectigo_csr_domain: 'http.example.com', sectigo_loop_period: '0.2', sectigo_csr_key_size: '2048' }, { 'idempotency-key': 'h-1' });
  t.equal(retry.body.data.cert_unique_id, id, 'Idempotency-Key header honoured');

  const list = await api('GET', 'certs/web?list=true');
  t.equal(list.body.data.key_info[id].status, 'Issued');
  t.equal(list.body.data.key_info[id].domain, 'http.example.com');

  const stored = await api('GET', `readcert/web/${id}`);
  t.equal(stored.body.data.cert_unique_id, id);

  const read = await api('GET', `certs/web/${id}?sectigo_auto_renew=true&sectigo_expiry_window=364&sectigo_loop_period=0.2`);
  t.not(read.body.data.cert_unique_id, id, 'renewed on read');
  t.match(read.body.warnings.join(' '), /was renewed/);

  const bad = await api('POST', 'enroll/web', { sectigo_csr_domain: 'x.example.com', sectigo_csr_key_size: '1024' });
  t.equal(bad.status, 400);
  t.match(bad.body.errors.join(' '), /sectigo_csr_key_size/);

  t.equal((await api('DELETE', `certs/web/${id}`)).status, 204);
  t.equal((await api('GET', `readcert/web/${id}`)).status, 404);
});

t.test('an unknown id is a 404 that names it, on every path that takes one', async (t) => {
  const named = { errors: ['certificate "424242_demo" not found under config "web"'] };
  t.same(await api('GET', 'certs/web/424242_demo'), { status: 404, body: named });
  t.same(await api('GET', 'readcert/web/424242_demo'), { status: 404, body: named });
  t.same(await api('DELETE', 'certs/web/424242_demo'), { status: 404, body: named });
  for (const family of ['revoke', 'replace', 'renew']) {
    t.same(await api('POST', `${family}/web/424242_demo`, {}), { status: 404, body: named }, family);
  }
});
