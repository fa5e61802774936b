import { t } from '../helpers/suite.js';
import { checkNamesAgainstRole, type RequestedNames } from '../../src/vault-pki/name-policy.js';
import { roleFromRequest, type PkiRole } from '../../src/vault-pki/role.js';

function role(fields: Record<string, unknown>): PkiRole {
  return roleFromRequest({ config: 'web', ...fields }, undefined, { ttl: undefined, max_ttl: undefined });
}

function refusal(r: PkiRole, names: Partial<RequestedNames>, source: 'CSR' | 'the API' = 'the API'): string | undefined {
  try {
    checkNamesAgainstRole(r, { commonName: '', altNames: [], ipSans: [], uriSans: [], ...names }, source);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

t.test('allowed_domains with allow_subdomains: names under the domain, wildcards included, not the domain itself', async (t) => {
  const r = role({ allowed_domains: ['example.com'], allow_subdomains: true });
  t.equal(refusal(r, { commonName: 'a.example.com' }), undefined);
  t.equal(refusal(r, { commonName: 'deep.a.example.com' }), undefined);
  t.equal(refusal(r, { commonName: '*.example.com' }), undefined);
  t.equal(refusal(r, { commonName: 'example.com' }), 'common name example.com not allowed by this role');
  t.equal(refusal(r, { commonName: 'badexample.com' }), 'common name badexample.com not allowed by this role');
  t.equal(refusal(r, { commonName: 'a.example.com', altNames: ['b.example.org'] }), 'subject alternate name b.example.org not allowed by this role');
  t.equal(refusal(r, { commonName: 'a.example.com', altNames: ['ops@example.org'] }), 'email address ops@example.org not allowed by this role');
});

t.test('allow_bare_domains, allow_glob_domains, allow_localhost, allow_any_name and enforce_hostnames', async (t) => {
  t.equal(refusal(role({ allowed_domains: ['example.com'], allow_bare_domains: true }), { commonName: 'example.com' }), undefined);
  const glob = role({ allowed_domains: ['ftp*.example.com'], allow_glob_domains: true });
  t.equal(refusal(glob, { commonName: 'ftp01.example.com' }), undefined);
  t.equal(refusal(glob, { commonName: 'www.example.com' }), 'common name www.example.com not allowed by this role');
  t.equal(refusal(role({}), { commonName: 'localhost' }), undefined, 'allow_localhost is on by default');
  t.equal(refusal(role({ allow_localhost: false }), { commonName: 'localhost' }), 'common name localhost not allowed by this role');
  t.equal(refusal(role({ allow_any_name: true }), { commonName: 'anything.example.net' }), undefined);
  t.equal(refusal(role({ allow_any_name: true }), { commonName: 'not a host' }), 'common name not a host not allowed by this role');
  t.equal(refusal(role({ allow_any_name: true, enforce_hostnames: false }), { commonName: 'not a host' }), undefined);
});

t.test('IP and URI subject alternative names, in Vault\'s words', async (t) => {
  const r = role({ allow_any_name: true, allow_ip_sans: false });
  t.equal(refusal(r, { ipSans: ['10.0.0.1'] }), 'IP Subject Alternative Names are not allowed in this role, but was provided [10.0.0.1]');
  t.equal(refusal(r, { ipSans: ['10.0.0.1'] }, 'CSR'), 'IP Subject Alternative Names are not allowed in this role, but was provided some via CSR');
  t.equal(refusal(role({ allow_any_name: true }), { ipSans: ['10.0.0.300'] }), "the value '10.0.0.300' is not a valid IP address");
  t.equal(refusal(role({ allow_any_name: true }), { uriSans: ['spiffe://x/y'] }), 'URI Subject Alternative Names are not allowed in this role, but were provided via the API');
  t.equal(refusal(role({ allow_any_name: true, allowed_uri_sans: ['spiffe://x/*'] }), { uriSans: ['spiffe://x/y'] }), undefined);
});

t.test('a role needs its config, and its ttl must fit its max_ttl', async (t) => {
  t.throws(() => roleFromRequest({}, undefined, { ttl: undefined, max_ttl: undefined }), { message: /^config: required/ });
  t.throws(() => roleFromRequest({ config: 'web' }, undefined, { ttl: 7200, max_ttl: 3600 }), { message: "ttl: the role's ttl cannot be longer than its max_ttl" });
  t.throws(() => roleFromRequest({ config: 'web', key_type: 'ec', key_bits: 2048 }, undefined, { ttl: undefined, max_ttl: undefined }), { message: /^key_bits: 2048 is not an EC curve size/ });
  const first = role({ allowed_domains: ['example.com'], allow_subdomains: true });
  t.match(roleFromRequest({ allow_ip_sans: false }, first, { ttl: undefined, max_ttl: undefined }), { config: 'web', allowed_domains: ['example.com'], allow_subdomains: true, allow_ip_sans: false }, 'an update keeps what it leaves out');
});
