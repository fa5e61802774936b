/**
 * The hot-read path (src/http/hot-read.ts): a plain authenticated read of an
 * issued certificate is answered in front of the middleware chain with the
 * chain's exact answer, and everything it is not sure of reaches the chain
 * as before. Whether a read took the hot path is read from the server's own
 * metrics (scmpki_http_hot_reads_total).
 */
import { connect } from 'node:net';
import { join } from 'node:path';
import { t } from '../helpers/suite.js';
import { readAuditLog, enableFileDevice } from '../helpers/audit-log.js';
import { enrollIssued, setUp, SSL_CONFIG, sslEnroll, statuses } from '../helpers/engine-fixture.js';
import { scrape, samples } from '../helpers/prometheus-scrape.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { tempDir } from '../helpers/temp-dir.js';
import { MOUNT, vaultRequest } from '../helpers/vault-api.js';
import { sleep, waitFor } from '../helpers/wait-for.js';

const setup = await setUp(t, { issueDelayMs: 0, settings: { log_level: 'info' } });
await setup.writeConfig('web', SSL_CONFIG);
const { server } = setup;
const root = server.token;
const DAY_MS = 24 * 60 * 60 * 1000;

const hotReads = async (): Promise<number> => (await scrape(server.url, root)).value('scmpki_http_hot_reads_total', { family: 'certs' }) ?? 0;

/** A GET of an engine path with exactly these headers. */
const get = (path: string, headers: Record<string, string> = { 'X-Vault-Token': root }): Promise<RawResponse> =>
  rawRequest(server.url, 'GET', `/v1/${MOUNT}/${path}`, { headers });

/** The read's answer, and whether the hot path gave it. */
async function read(path: string, headers?: Record<string, string>): Promise<{ reply: RawResponse; hot: boolean }> {
  const before = await hotReads();
  const reply = await get(path, headers);
  return { reply, hot: (await hotReads()) === before + 1 };
}

/** Headers as they left, in order, without Date (the second it was sent). */
function headerLines(reply: RawResponse): string[] {
  return Object.entries(reply.headers)
    .filter(([name]) => name !== 'date')
    .map(([name, value]) => `${name}: ${String(value)}`);
}

const withoutRequestId = (reply: RawResponse): string => reply.text.replace(/"request_id":"[0-9a-f-]{36}"/, '"request_id":""');

async function tokenWith(name: string, policy: string, extra: Record<string, unknown> = {}): Promise<string> {
  const written = await vaultRequest(server.url, root, 'PUT', `sys/policies/acl/${name}`, { policy });
  if (written.status !== 204) throw new Error(`policy ${name}: ${written.status}`);
  const created = await vaultRequest(server.url, root, 'POST', 'auth/token/create', { policies: [name], ...extra });
  if (created.status !== 200) throw new Error(`token: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.auth.client_token as string;
}

const issued = await enrollIssued(setup, 'web', sslEnroll('hot.example.com', { algo: 'EC', size: 'P-256' }));
const certPath = `certs/web/${issued.cert_unique_id}`;

t.test('the hot path answers what the middleware chain answers, byte for byte but for the request id', async (t) => {
  const hot = await read(certPath);
  t.ok(hot.hot, 'answered by the hot path');
  // X-Vault-Namespace: root changes nothing in the answer, but only the chain reads it.
  const chain = await read(certPath, { 'X-Vault-Token': root, 'X-Vault-Namespace': 'root' });
  t.notOk(chain.hot, 'answered by the chain');
  t.equal(hot.reply.status, 200);
  t.equal(chain.reply.status, 200);
  t.same(headerLines(hot.reply), headerLines(chain.reply), 'the same headers, in the same order');
  t.match(headerLines(hot.reply), ['cache-control: no-store', 'content-type: application/json', /^content-length: \d+$/]);
  t.equal(withoutRequestId(hot.reply), withoutRequestId(chain.reply), 'the same body');
  t.equal(hot.reply.json().data.cert_unique_id, issued.cert_unique_id);
  const ids = [hot.reply.json().request_id, chain.reply.json().request_id, (await get(certPath)).json().request_id];
  t.equal(new Set(ids).size, 3, 'each answer has its own request id');

  const bearer = await read(certPath, { Authorization: `Bearer ${root}` });
  t.ok(bearer.hot, 'a bearer token is read as the chain reads it');
  t.equal(withoutRequestId(bearer.reply), withoutRequestId(chain.reply));
});

/** The bytes of one answer as they came off the socket (one request, then the connection closes). */
function wireBytes(path: string, headers: Record<string, string>): Promise<string> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const lines = [`GET /v1/${MOUNT}/${path} HTTP/1.1`, `Host: ${hostname}:${port}`, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`), 'Connection: close'];
      socket.end(`${lines.join('\r\n')}\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

t.test('on the wire, the hot answer is the chain\'s, byte for byte but for the date and request id', async (t) => {
  const normalised = (bytes: string) => bytes.replace(/\r\nDate: [^\r]+/, '\r\nDate: -').replace(/"request_id":"[0-9a-f-]{36}"/, '"request_id":""');
  const before = await hotReads();
  const hot = await wireBytes(certPath, { 'X-Vault-Token': root });
  t.equal(await hotReads(), before + 1, 'the hot path answered');
  const chain = await wireBytes(certPath, { 'X-Vault-Token': root, 'X-Vault-Namespace': 'root' });
  t.equal(await hotReads(), before + 1, 'the chain answered');
  t.match(hot, /^HTTP\/1\.1 200 OK\r\nCache-Control: no-store\r\nContent-Type: application\/json\r\nContent-Length: \d+\r\n/);
  t.equal(normalised(hot), normalised(chain));
});

t.test('a read the hot path does not answer gets the same answer as before', async (t) => {
  const cases: Array<{ name: string; path?: string; headers: Record<string, string>; status: number; error?: RegExp }> = [
    { name: 'no token', headers: {}, status: 403, error: /^permission denied$/ },
    { name: 'a token nobody issued', headers: { 'X-Vault-Token': 'hvs.not-a-token' }, status: 403, error: /^permission denied$/ },
    { name: 'a wrap-ttl header', headers: { 'X-Vault-Token': root, 'X-Vault-Wrap-TTL': '60s' }, status: 400, error: /response wrapping is not supported/ },
    { name: 'a namespace header', headers: { 'X-Vault-Token': root, 'X-Vault-Namespace': 'team-a' }, status: 400, error: /namespaces are not supported/ },
    { name: 'an unknown id', path: 'certs/web/999999_nothing', headers: { 'X-Vault-Token': root }, status: 404, error: /certificate "999999_nothing" not found under config "web"/ },
    { name: 'an unknown config', path: `certs/nowhere/${issued.cert_unique_id}`, headers: { 'X-Vault-Token': root }, status: 404, error: /not found under config "nowhere"/ },
    { name: 'a name that is not one', path: 'certs/web/%2e%2e%2fx', headers: { 'X-Vault-Token': root }, status: 400 },
    { name: 'a percent-encoded name', path: `certs/web/${issued.cert_unique_id.replace('_', '%5F')}`, headers: { 'X-Vault-Token': root }, status: 200 },
    { name: 'a query string', path: `${certPath}?sectigo_expiry_window=10`, headers: { 'X-Vault-Token': root }, status: 200 },
    { name: '?help', path: `${certPath}?help=1`, headers: { 'X-Vault-Token': root }, status: 200 },
    { name: 'a trailing slash', path: `${certPath}/`, headers: { 'X-Vault-Token': root }, status: 200 },
  ];
  for (const each of cases) {
    const { reply, hot } = await read(each.path ?? certPath, each.headers);
    t.notOk(hot, `${each.name}: not the hot path`);
    t.equal(reply.status, each.status, `${each.name}: ${reply.status}`);
    if (each.error) t.match(reply.json().errors?.[0], each.error, `${each.name}: the chain's error`);
  }
  const listed = await rawRequest(server.url, 'GET', `/v1/${MOUNT}/certs/web?list=true`, { headers: { 'X-Vault-Token': root } });
  t.equal(listed.status, 200, 'a list still lists');
  t.ok(listed.json().data.keys.includes(issued.cert_unique_id));
});

t.test('tokens: a policy that grants the read is answered hot; a denied, expired or use-limited one is not', async (t) => {
  const reader = await tokenWith('hot-reader', `path "${MOUNT}/certs/web/*" { capabilities = ["read"] }`);
  t.ok((await read(certPath, { 'X-Vault-Token': reader })).hot, 'a reader with the policy');

  const other = await tokenWith('hot-other', `path "${MOUNT}/readcert/web/*" { capabilities = ["read"] }`);
  const denied = await read(certPath, { 'X-Vault-Token': other });
  t.notOk(denied.hot);
  t.equal(denied.reply.status, 403, 'a policy that does not grant the path: 403 from the chain');
  t.same(denied.reply.json(), { errors: ['permission denied'] });

  // Hot while valid is the reader's case above; once the TTL runs out, the hot path must let go.
  const brief = await tokenWith('hot-brief', `path "${MOUNT}/certs/web/*" { capabilities = ["read"] }`, { ttl: '1s' });
  const expired = await waitFor('the brief token to be refused', async () => {
    const attempt = await read(certPath, { 'X-Vault-Token': brief });
    return attempt.reply.status === 200 ? undefined : attempt;
  });
  t.notOk(expired.hot);
  t.equal(expired.reply.status, 403, 'after it expires: 403 from the chain');

  // Tokens with a use limit would have to be counted on every use: none can be made.
  const limited = await vaultRequest(server.url, root, 'POST', 'auth/token/create', { policies: ['hot-reader'], num_uses: 2 });
  t.equal(limited.status, 400);
  t.match(limited.body.errors[0], /num_uses: tokens with a use limit are not supported/);
});

t.test('a record SCM still owes is collected by the chain, as before', async (t) => {
  await setup.sim.controls.updateSettings({ issueDelayMs: 300 });
  const enrolled = await setup.call('POST', 'enroll/web', { ...sslEnroll('hot-pending.example.com'), sectigo_max_timeout: 0 });
  await setup.sim.controls.updateSettings({ issueDelayMs: 0 });
  t.equal(enrolled.status, 200);
  const id = enrolled.body.data.cert_unique_id as string;
  t.not(statuses(enrolled.body.data).at(-1), 'Issued', 'pending after the enroll');
  // SCM issues 300 ms after the order: the read's first collect then finds it (its next try would be 5 s on).
  await sleep(300);
  const collected = await read(`certs/web/${id}`);
  t.notOk(collected.hot, 'a pending record is not a plain read');
  t.equal(collected.reply.status, 200);
  t.equal(statuses(collected.reply.json().data).at(-1), 'Issued', 'collected on the read');
  t.ok((await read(`certs/web/${id}`)).hot, 'issued now: the next read is hot');
});

t.test('a record due for renewal is renewed by the chain, exactly once', async (t) => {
  const due = await enrollIssued(setup, 'web', { ...sslEnroll('hot-due.example.com', { algo: 'EC', size: 'P-256' }), sectigo_auto_renew: true });
  t.ok((await read(`certs/web/${due.cert_unique_id}`)).hot, 'not due yet: hot');
  const records = server.lifecycle!.records;
  const stored = await records.require('web', due.cert_unique_id);
  await records.save([{ ...stored, not_before: new Date(Date.now() - 360 * DAY_MS).toISOString(), not_after: new Date(Date.now() + 5 * DAY_MS).toISOString() }]);
  await setup.sim.controls.resetCounters();

  const renewed = await read(`certs/web/${due.cert_unique_id}`);
  t.notOk(renewed.hot, 'a read that renews is the chain\'s');
  t.equal(renewed.reply.status, 200);
  const body = renewed.reply.json();
  t.not(body.data.cert_unique_id, due.cert_unique_id, 'the new certificate');
  t.equal((await setup.sim.controls.counters()).renewById, 1, 'one renewal at SCM');

  const again = await read(`certs/web/${due.cert_unique_id}`);
  t.ok(again.hot, 'the renewed chain reads hot');
  t.equal(again.reply.json().data.cert_unique_id, body.data.cert_unique_id);
  t.match(again.reply.json().warnings, [/was renewed; returning the newest certificate of its chain/], 'with the chain\'s warning');
  t.equal((await setup.sim.controls.counters()).renewById, 1, 'no second renewal');
});

t.test('a write to the record changes the next hot answer', async (t) => {
  const target = await enrollIssued(setup, 'web', sslEnroll('hot-revoke.example.com', { algo: 'EC', size: 'P-256' }));
  const before = await read(`certs/web/${target.cert_unique_id}`);
  t.ok(before.hot);
  t.equal(statuses(before.reply.json().data).at(-1), 'Issued');
  t.equal((await setup.call('POST', `revoke/web/${target.cert_unique_id}`, {})).status, 200);
  const after = await read(`certs/web/${target.cert_unique_id}`);
  t.ok(after.hot, 'a revoked record is a plain read too');
  t.same(statuses(after.reply.json().data), ['Applied', 'Issued', 'Revoked']);
});

t.test('a hot read is logged and counted as the chain logs and counts a read', async (t) => {
  const requests = async () =>
    (await samples(server.url, root, 'scmpki_http_request_duration_seconds')).find((s) => s.Labels.family === 'certs' && s.Labels.operation === 'read' && s.Labels.status === '200')?.Count ?? 0;
  const countBefore = await requests();
  const { reply, hot } = await read(certPath);
  t.ok(hot);
  t.equal(await requests(), countBefore + 1, 'one request in the request histogram');
  const requestId = reply.json().request_id as string;
  const accessLine = (id: string) => waitFor(`the access line of ${id}`, async () => server.logLines.map((text) => JSON.parse(text)).find((entry) => entry.request_id === id && entry.msg === 'request'));
  const line = await accessLine(requestId);
  t.match(line, { level: 30, logger: 'http', method: 'GET', path: `/v1/${MOUNT}/${certPath}`, status: 200, ms: Number });
  const chain = await read(certPath, { 'X-Vault-Token': root, 'X-Vault-Namespace': 'root' });
  const chainId = chain.reply.json().request_id as string;
  const chainLine = await accessLine(chainId);
  t.same(Object.keys(line).sort(), Object.keys(chainLine).sort(), 'the same fields as the chain\'s line');
});

t.test('with an audit device enabled, reads go through the chain and are audited', async (t) => {
  const file = join(await tempDir(t, 'audit'), 'audit.log');
  t.equal((await enableFileDevice(server.url, root, 'hot-file', file)).status, 204);
  t.teardown(() => vaultRequest(server.url, root, 'DELETE', 'sys/audit/hot-file'));
  const audited = await read(certPath);
  t.notOk(audited.hot);
  t.equal(audited.reply.status, 200);
  const requestId = audited.reply.json().request_id as string;
  const entries = (await readAuditLog(file)).filter((entry) => entry.request.id === requestId);
  t.same(entries.map((entry) => entry.type), ['request', 'response'], 'the read is on record, request and response');
  t.equal(entries[0]!.request.path, `${MOUNT}/${certPath}`);

  t.equal((await vaultRequest(server.url, root, 'DELETE', 'sys/audit/hot-file')).status, 204);
  t.ok((await read(certPath)).hot, 'hot again once the device is gone');
});
