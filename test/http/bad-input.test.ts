import { t } from '../helpers/suite.js';
import { rawRequest } from '../helpers/raw-http.js';
import { configAsStrings } from '../helpers/scm-connection.js';
import { startTestServer } from '../helpers/server-fixture.js';

t.test('bad input gets a 4xx naming the problem, and the server keeps serving', async (t) => {
  const server = await startTestServer(t, { max_request_size: 1024 * 1024 });
  const auth = { 'X-Vault-Token': server.token };
  const put = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    rawRequest(server.url, 'PUT', path, { headers: { ...auth, ...headers }, body });
  const firstError = async (res: Awaited<ReturnType<typeof put>>) => {
    t.equal(res.headers['content-type'], 'application/json');
    return res.json().errors[0] as string;
  };

  const emptyList = await rawRequest(server.url, 'LIST', '/v1/sectigo-vault-pki/configs', { headers: auth });
  t.equal(emptyList.status, 404, 'an empty list is 404, as in Vault');

  const invalidJson = await put('/v1/sectigo-vault-pki/configs/web', '{"sectigo_cm_user": ');
  t.equal(invalidJson.status, 400);
  t.match(await firstError(invalidJson), /^request body: invalid JSON/);

  const notObject = await put('/v1/sectigo-vault-pki/configs/web', '[1,2]');
  t.equal(notObject.status, 400);
  t.match(await firstError(notObject), /must be a JSON object/);

  const wrongTypes = await put('/v1/sectigo-vault-pki/configs/web', JSON.stringify({ ...configAsStrings(), sectigo_cm_org_id: 'abc', sectigo_verify_tls: 'perhaps', sectigo_config_type: 'tls' }));
  t.equal(wrongTypes.status, 400);
  const message = await firstError(wrongTypes);
  t.match(message, /sectigo_cm_org_id: must be a decimal integer, not "abc"/);
  t.match(message, /sectigo_verify_tls: must be boolean/);
  t.match(message, /sectigo_config_type: must be one of ssl_cert, client_cert/);

  const missing = await put('/v1/sectigo-vault-pki/configs/web', JSON.stringify({ sectigo_cm_user: 'only-user' }));
  t.equal(missing.status, 400);
  t.match(await firstError(missing), /sectigo_cm_base_url: is required/);
  t.equal((await rawRequest(server.url, 'GET', '/v1/sectigo-vault-pki/configs/web', { headers: auth })).status, 404, 'nothing half-written');

  const badUrl = await put('/v1/sectigo-vault-pki/configs/web', JSON.stringify({ ...configAsStrings(), sectigo_cm_base_url: 'ftp://x' }));
  t.equal(badUrl.status, 400);
  t.match(await firstError(badUrl), /^sectigo_cm_base_url: /);

  const strictUnknown = await rawRequest(server.url, 'POST', '/v1/auth/token/create', { headers: auth, body: JSON.stringify({ polices: ['typo'] }) });
  t.equal(strictUnknown.status, 400);
  t.equal(await firstError(strictUnknown), 'polices: unknown field');

  // Nothing listens on port 1: verification cannot succeed, so nothing may be stored.
  const verify = await put('/v1/sectigo-vault-pki/configs/web', JSON.stringify({ ...configAsStrings(), sectigo_cm_base_url: 'http://127.0.0.1:1', verify: 'true' }));
  t.ok(verify.status >= 400, `verify=true against an unreachable SCM fails (${verify.status})`);
  t.match(await firstError(verify), /verify|SCM/);
  t.equal((await rawRequest(server.url, 'GET', '/v1/sectigo-vault-pki/configs/web', { headers: auth })).status, 404, 'an unverified config is not stored');

  const badNames: Array<[string, RegExp]> = [
    ['..%2Fx', /^config: must not start with "\."/],
    ['a%2Fb', /^config: may only contain/],
    ['..', /"\." and "\.\." segments are not allowed/],
    ['', /^config: must not be empty/],
    ['a'.repeat(200), /^config: must be at most 128 characters/],
    ['caf%C3%A9', /^config: may only contain/],
    ['.hidden', /^config: must not start with "\."/],
    ['%E0%A4%A', /^config: .* is not valid percent-encoding/],
  ];
  for (const [name, expected] of badNames) {
    const res = await put(`/v1/sectigo-vault-pki/configs/${name}`, JSON.stringify(configAsStrings()));
    t.equal(res.status, 400, `name "${name.slice(0, 20)}" refused`);
    t.match(await firstError(res), expected);
  }

  const huge = Buffer.alloc(2 * 1024 * 1024, 'a');
  const tooLarge = await put('/v1/sectigo-vault-pki/configs/web', huge);
  t.equal(tooLarge.status, 413);
  t.match(await firstError(tooLarge), /larger than the limit of 1048576 bytes/);

  const good = await put('/v1/sectigo-vault-pki/configs/web', JSON.stringify(configAsStrings()));
  t.equal(good.status, 204, 'the server still serves after all of that');
  t.equal((await rawRequest(server.url, 'GET', '/v1/sys/health')).status, 200);
});
