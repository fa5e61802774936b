import { t } from '../helpers/suite.js';
import { rawRequest } from '../helpers/raw-http.js';
import { startTestServer } from '../helpers/server-fixture.js';
import { generateSealKey } from '../../src/storage/seal-key.js';

t.test('with serve_sealed, a wrong seal key starts the server sealed', async (t) => {
  const first = await startTestServer(t);
  const auth = { 'X-Vault-Token': first.token };
  await first.close();

  const sealed = await startTestServer(t, { serve_sealed: true }, { dataDir: first.dataDir, sealKey: generateSealKey() });
  t.equal(sealed.sealed, true);
  t.equal(sealed.rootToken, undefined, 'no root token is made for a sealed store');
  const health = await rawRequest(sealed.url, 'GET', '/v1/sys/health');
  t.equal(health.status, 503);
  t.match(health.json(), { sealed: true, initialized: true });
  t.equal((await rawRequest(sealed.url, 'HEAD', '/v1/sys/health')).status, 503);
  t.equal((await rawRequest(sealed.url, 'GET', '/v1/sys/seal-status')).json().sealed, true, 'vault status can tell');
  for (const [method, path] of [
    ['GET', '/v1/sectigo-vault-pki/configs/web'],
    ['LIST', '/v1/sectigo-vault-pki/configs'],
    ['PUT', '/v1/sectigo-vault-pki/configs/web'],
    ['GET', '/v1/auth/token/lookup-self'],
    ['GET', '/v1/sys/mounts'],
  ] as const) {
    const res = await rawRequest(sealed.url, method, path, { headers: auth, body: method === 'PUT' ? '{}' : undefined });
    t.equal(res.status, 503, `${method} ${path}`);
    t.match(res.json().errors[0], /sealed/);
  }
  await sealed.close();

  const reopened = await startTestServer(t, {}, { dataDir: first.dataDir, sealKey: first.sealKey });
  t.equal(reopened.sealed, false, 'the right key opens it again');
  t.equal(reopened.rootToken, undefined, 'the root token is printed only at the first start');
  t.equal((await rawRequest(reopened.url, 'GET', '/v1/auth/token/lookup-self', { headers: auth })).status, 200, 'the first root token still works');
});
