/** OAuth2 client credentials: one token, cached, refreshed before expiry, one refresh at a time. */
import { t } from '../helpers/suite.js';
import nock from 'nock';
import { OAuth2TokenCache, TOKEN_REFRESH_MARGIN_MS } from '../../src/scm/auth.js';
import { expectCall, interceptHttp, type RecordedRequest, scmClient } from '../helpers/scm-nock.js';

interceptHttp(t);

const TOKEN_ORIGIN = 'https://auth.example.test';
const TOKEN_PATH = '/auth/realms/apiclients/protocol/openid-connect/token';
const OAUTH = {
  type: 'oauth2',
  clientId: 'scmpki-client',
  clientSecret: 'very-secret',
  tokenUrl: TOKEN_ORIGIN + TOKEN_PATH,
} as const;

interface TokenRequest {
  contentType: string | null;
  form: Record<string, string>;
}

function tokenEndpoint(log: TokenRequest[], answers: Array<[number, object]>, delayMs = 0): void {
  for (const [status, body] of answers) {
    nock(TOKEN_ORIGIN)
      .post(TOKEN_PATH)
      .delay(delayMs)
      .reply(function reply(_uri, requestBody) {
        const contentType = this.req.headers['content-type'];
        log.push({ contentType: typeof contentType === 'string' ? contentType : null, form: Object.fromEntries(new URLSearchParams(String(requestBody))) });
        return [status, JSON.stringify(body), { 'Content-Type': 'application/json' }];
      });
  }
}

const grant = (token: string, expiresIn = 300) => [200, { access_token: token, expires_in: expiresIn, token_type: 'Bearer' }] as [number, object];

t.test('the token is requested with client credentials and reused until near expiry', async (t) => {
  const tokens: TokenRequest[] = [];
  const api: RecordedRequest[] = [];
  const client = scmClient({ baseUrl: 'https://scm.example.test', auth: OAUTH });
  t.teardown(() => client.close());
  tokenEndpoint(tokens, [grant('tok-1')]);
  for (let i = 0; i < 3; i++) expectCall(api, 'GET', '/api/ssl/v1/types', 200, []);
  for (let i = 0; i < 3; i++) await client.listSslTypes();

  t.same(tokens, [
    { contentType: 'application/x-www-form-urlencoded', form: { grant_type: 'client_credentials', client_id: 'scmpki-client', client_secret: 'very-secret' } },
  ]);
  t.same(api.map((r) => r.headers.authorization), ['Bearer tok-1', 'Bearer tok-1', 'Bearer tok-1']);
  for (const request of api) {
    t.notOk('login' in request.headers || 'password' in request.headers || 'customeruri' in request.headers, 'no header-login fields with a bearer token');
  }
});

t.test('a token that expires within the refresh margin is replaced before the next call', async (t) => {
  const tokens: TokenRequest[] = [];
  const api: RecordedRequest[] = [];
  const client = scmClient({ auth: { ...OAUTH, customerUri: 'acme' } });
  t.teardown(() => client.close());
  tokenEndpoint(tokens, [grant('short-1', TOKEN_REFRESH_MARGIN_MS / 1000 - 10), grant('short-2', TOKEN_REFRESH_MARGIN_MS / 1000 - 10)]);
  expectCall(api, 'GET', '/api/organization/v1', 200, []);
  expectCall(api, 'GET', '/api/organization/v1', 200, []);
  await client.listOrganizations();
  await client.listOrganizations();
  t.equal(tokens.length, 2);
  t.same(api.map((r) => [r.headers.authorization, r.headers.customeruri]), [
    ['Bearer short-1', 'acme'],
    ['Bearer short-2', 'acme'],
  ]);
});

t.test('concurrent calls with no token share one token request', async (t) => {
  const tokens: TokenRequest[] = [];
  const api: RecordedRequest[] = [];
  const client = scmClient({ auth: OAUTH });
  t.teardown(() => client.close());
  tokenEndpoint(tokens, [grant('shared')], 100);
  for (let i = 0; i < 5; i++) expectCall(api, 'GET', `/api/ssl/v1/${i + 1}`, 200, { id: i + 1, status: 'Issued' });
  await Promise.all([1, 2, 3, 4, 5].map((id) => client.getSsl(id)));
  t.equal(tokens.length, 1);
  t.same(new Set(api.map((r) => r.headers.authorization)), new Set(['Bearer shared']));
});

t.test('a 401 from SCM drops the token and retries once with a fresh one, even for enroll', async (t) => {
  const tokens: TokenRequest[] = [];
  const api: RecordedRequest[] = [];
  const client = scmClient({ auth: OAUTH });
  t.teardown(() => client.close());
  tokenEndpoint(tokens, [grant('revoked'), grant('fresh')]);
  expectCall(api, 'POST', '/api/ssl/v1/enroll', 401, { code: -16, description: 'Unknown user' });
  expectCall(api, 'POST', '/api/ssl/v1/enroll', 200, { sslId: 99, renewId: 'r' });
  t.same(await client.enrollSsl({ orgId: 1, csr: 'C', certType: 1, term: 365 }), { sslId: 99, renewId: 'r' });
  t.same(api.map((r) => r.headers.authorization), ['Bearer revoked', 'Bearer fresh']);

  tokenEndpoint(tokens, [grant('also-refused')]);
  expectCall(api, 'GET', '/api/ssl/v1/types', 401, { code: -16, description: 'Unknown user' });
  expectCall(api, 'GET', '/api/ssl/v1/types', 401, { code: -16, description: 'Unknown user' });
  await t.rejects(client.listSslTypes(), { httpStatus: 401, code: -16 }, 'a second 401 is final');
  t.equal(tokens.length, 3);
});

t.test('a wrong client secret is ScmError -16 and no API call is made', async (t) => {
  const tokens: TokenRequest[] = [];
  const api: RecordedRequest[] = [];
  const client = scmClient({ auth: { ...OAUTH, clientSecret: 'wrong' } });
  t.teardown(() => client.close());
  tokenEndpoint(tokens, [[401, { error: 'invalid_client', error_description: 'Invalid client or Invalid client credentials' }]]);
  const spare = expectCall(api, 'GET', '/api/ssl/v1/types', 200, []);
  await t.rejects(client.listSslTypes(), {
    name: 'ScmError',
    httpStatus: 401,
    code: -16,
    description: 'OAuth2 token request failed (HTTP 401): invalid_client: Invalid client or Invalid client credentials',
  });
  t.notOk(spare.isDone());
  t.equal(tokens.length, 1, 'a refused secret is not retried');
  nock.cleanAll();
});

t.test('a token endpoint that is briefly down is retried; a grant without a token is refused', async (t) => {
  const tokens: TokenRequest[] = [];
  const client = scmClient({ auth: OAUTH });
  t.teardown(() => client.close());
  tokenEndpoint(tokens, [[503, { error: 'unavailable' }], grant('after-outage')]);
  const api: RecordedRequest[] = [];
  expectCall(api, 'GET', '/api/ssl/v1/types', 200, []);
  await client.listSslTypes();
  t.equal(tokens.length, 2);
  t.equal(api[0].headers.authorization, 'Bearer after-outage');

  const other = scmClient({ auth: OAUTH });
  t.teardown(() => other.close());
  tokenEndpoint(tokens, [[200, { token_type: 'Bearer' }]]);
  await t.rejects(other.listSslTypes(), { name: 'ScmError', httpStatus: 200, description: /without an access_token/ });
});

t.test('the cache refreshes exactly when the margin before expiry is reached', async (t) => {
  let now = 1_000_000;
  let fetched = 0;
  const cache = new OAuth2TokenCache(OAUTH, async () => ({ accessToken: `t${++fetched}`, expiresInMs: 120_000 }), () => now);
  t.same(await cache.headers(), { Authorization: 'Bearer t1' });
  now += 120_000 - TOKEN_REFRESH_MARGIN_MS - 1;
  t.same(await cache.headers(), { Authorization: 'Bearer t1' }, 'still inside the safe window');
  now += 1;
  t.same(await cache.headers(), { Authorization: 'Bearer t2' }, 'refreshed at expiry minus the margin');
  cache.rejected({ Authorization: 'Bearer t1' });
  t.same(await cache.headers(), { Authorization: 'Bearer t2' }, 'a 401 for an old token does not drop the new one');
  t.equal(fetched, 2);
});
