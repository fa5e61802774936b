import { t } from '../helpers/suite.js';
import { join } from 'node:path';
import { enableFileDevice, readAuditLog } from '../helpers/audit-log.js';
import { assertNotInDataDir } from '../helpers/data-dir-scan.js';
import { clientEnroll, CLIENT_CONFIG, enrollIssued, setUp, SSL_CONFIG, sslEnroll, FAST } from '../helpers/engine-fixture.js';
import { configAsStrings } from '../helpers/scm-connection.js';
import { MOUNT, vaultRequest, type ApiReply } from '../helpers/vault-api.js';

/** A line from the end of a PEM key: its private part (the start holds the public modulus, in the certificate too). */
function keyLine(pem: string): string {
  return pem.trim().split('\n').at(-3)!;
}

t.test('the audit log of a full lifecycle holds every request, the SCM order ids, and no secret in clear', async (t) => {
  const setup = await setUp(t);
  const { server } = setup;
  const file = join(server.dataDir, 'audit.log');
  t.equal((await enableFileDevice(server.url, server.token, 'file', file)).status, 204);

  const sent: Array<{ method: string; path: string; reply: ApiReply }> = [];
  const api = async (method: string, path: string, body?: unknown, token = server.token) => {
    const reply = await vaultRequest(server.url, token, method, path, body);
    sent.push({ method, path, reply });
    return reply;
  };
  const engine = (method: string, path: string, body?: unknown) => api(method, `${MOUNT}/${path}`, body);

  // Configs: two that reach the simulator, one with a password of its own and one with an OAuth2 secret.
  const password = 'Pw-5b8e-audit-never-in-clear';
  const clientSecret = 'Cs-0c3a-audit-never-in-clear';
  await setup.writeConfig('web', SSL_CONFIG);
  await setup.writeConfig('people', CLIENT_CONFIG);
  t.equal((await engine('PUT', 'configs/spare', configAsStrings(password))).status, 204);
  t.equal((await engine('PUT', 'configs/oauth', { ...configAsStrings(), sectigo_cm_auth_type: 'oauth2', sectigo_cm_client_id: 'cid', sectigo_cm_client_secret: clientSecret, sectigo_cm_token_url: 'https://auth.example/token' })).status, 204);

  // A token: its id is in the create response and in every request it makes.
  const created = await api('PUT', 'auth/token/create', { policies: ['default'], display_name: 'ops' });
  const token = created.body.auth.client_token as string;
  t.equal((await api('GET', 'auth/token/lookup-self', undefined, token)).status, 200);

  const enrolled = await engine('POST', 'enroll/web', sslEnroll('audit.example.com'));
  t.equal(enrolled.status, 200);
  const first = enrolled.body.data;
  t.equal((await engine('GET', `certs/web/${first.cert_unique_id}`)).status, 200);
  const renewed = (await engine('POST', `renew/web/${first.cert_unique_id}`, FAST)).body.data;
  const replaced = (await engine('POST', `replace/web/${renewed.cert_unique_id}`, FAST)).body.data;
  const revoked = await engine('POST', `revoke/web/${renewed.cert_unique_id}`, { sectigo_revoke_reason: 'audit test' });
  t.equal(revoked.status, 200);
  const client = await enrollIssued(setup, 'people', clientEnroll('jane@example.com'));
  t.equal((await engine('LIST', 'certs/web')).status, 200);
  const ownKey = replaced.private_key as string;
  t.equal((await engine('POST', `fetch/web/${replaced.cert_unique_id}`, { sectigo_private_key: ownKey })).status, 200);

  const log = await readAuditLog(file);

  t.test('every request appears, as one request and one response entry', async (t) => {
    const byId = new Map<string, string[]>();
    for (const line of log) byId.set(line.request.id, [...(byId.get(line.request.id) ?? []), line.type]);
    t.ok([...byId.values()].every((types) => types.join() === 'request,response'), 'request then response, per request id');
    for (const { method, path, reply } of sent) {
      const operation = method === 'GET' ? 'read' : method === 'LIST' ? 'list' : 'update';
      const entries = log.filter((line) => line.request.path === path && line.request.operation === operation && line.response?.status_code === reply.status);
      t.ok(entries.length > 0, `${method} ${path} → ${reply.status}`);
      if (reply.body?.request_id) t.ok(byId.has(reply.body.request_id), `${path}: its request id`);
    }
    t.ok(log.some((line) => line.request.path === `${MOUNT}/enroll/people`), 'the fixture\'s own requests too');
    const listed = log.find((line) => line.request.path === `${MOUNT}/certs/web` && line.request.operation === 'list');
    t.equal(listed?.request.remote_address, '127.0.0.1', 'a LIST-verb request keeps the client\'s address');
  });

  t.test('each enroll, renew, replace and revoke carries the SCM order it produced', async (t) => {
    const answer = (path: string) => log.find((line) => line.type === 'response' && line.request.path === `${MOUNT}/${path}`)!.response!.data;
    t.match(answer('enroll/web'), { ssl_id: first.ssl_id, cert_unique_id: first.cert_unique_id, domain: 'audit.example.com' });
    t.match(answer(`renew/web/${first.cert_unique_id}`), { ssl_id: renewed.ssl_id, cert_unique_id: renewed.cert_unique_id, renewed_from: first.cert_unique_id });
    t.not(renewed.ssl_id, first.ssl_id, 'a renewal is a new SCM order');
    t.match(answer(`replace/web/${renewed.cert_unique_id}`), { ssl_id: replaced.ssl_id, cert_unique_id: replaced.cert_unique_id });
    t.match(answer(`revoke/web/${renewed.cert_unique_id}`), { ssl_id: renewed.ssl_id, state: [{}, {}, {}] });
    t.match(answer('enroll/people'), { order_number: client.order_number, cert_unique_id: client.cert_unique_id });
    t.match(answer('enroll/web').private_key, /^hmac-sha256:[0-9a-f]{64}$/, 'the key is there, as its hash');
  });

  t.test('no secret in clear, in the log or anywhere in the data dir', async (t) => {
    await server.close();
    const secrets = [
      password,
      clientSecret,
      token,
      server.token,
      keyLine(first.private_key),
      keyLine(renewed.private_key),
      keyLine(replaced.private_key),
      keyLine(client.private_key),
    ];
    for (const secret of secrets) await assertNotInDataDir(t, server.dataDir, secret);
    t.ok(log.some((line) => line.request.data?.sectigo_cm_password?.startsWith('hmac-sha256:')), 'the password was logged, hashed');
  });
});
