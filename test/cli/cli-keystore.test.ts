/**
 * The built `scmpki` binary: a certificate written as a PKCS#12 key store on
 * the client (-pkcs12-out) that openssl opens, and a field given both in a
 * JSON file and as key=value, which fails as it does with the vault CLI.
 */
import { t } from '../helpers/suite.js';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildCsr, certificateMatchesKey, generateKeyPair } from '../../src/pki/index.js';
import { startCliFixture } from '../helpers/cli-fixture.js';
import { SIMULATOR_LOGIN } from '../helpers/scm-connection.js';
import { openPkcs12 } from '../helpers/openssl-pkcs12.js';

const { home, cli, connection } = await startCliFixture(t);
const passwordFile = join(home, 'scm-password.txt');
await writeFile(passwordFile, SIMULATOR_LOGIN.password);
const configured = await cli(['write', 'sectigo-vault-pki/configs/demo', ...connection, `sectigo_cm_password=@${passwordFile}`,
  'sectigo_ssl_cert_type=2001', 'sectigo_ssl_cert_validity=365', 'sectigo_loop_period=0.1']);
if (configured.code !== 0) throw new Error(configured.stderr);

const enrolled = await cli(['write', '-format=json', 'sectigo-vault-pki/enroll/demo', 'sectigo_csr_domain=cli-p12.example.com']);
if (enrolled.code !== 0) throw new Error(enrolled.stderr);
const record = JSON.parse(enrolled.stdout).data;
const certPath = `sectigo-vault-pki/certs/demo/${record.cert_unique_id}`;

t.test('read -pkcs12-out writes a 0600 key store openssl opens: right key, full chain, the alias', async (t) => {
  const p12PasswordFile = join(home, 'p12.pass');
  await writeFile(p12PasswordFile, 'changeit\n');
  const out = join(home, 'tomcat.p12');
  const result = await cli(['read', '-pkcs12-out', out, `-pkcs12-password-file=${p12PasswordFile}`, '-pkcs12-name=tomcat', certPath]);
  t.equal(result.code, 0, result.stderr);
  t.equal(result.stdout, '', 'the record (and its key) is not printed');
  t.match(result.stderr, `PKCS#12 key store of ${record.cert_unique_id} (friendly name tomcat) written to ${out}`);
  t.equal((await stat(out)).mode & 0o777, 0o600);
  const opened = await openPkcs12(out, 'changeit');
  t.equal(opened.code, 0, opened.info);
  t.ok(createPrivateKey(opened.privateKey!).export({ type: 'pkcs8', format: 'der' }).equals(createPrivateKey(record.private_key).export({ type: 'pkcs8', format: 'der' })));
  t.ok(certificateMatchesKey(opened.certificates[0], opened.privateKey!));
  t.equal(new X509Certificate(opened.certificates[0]).fingerprint256, new X509Certificate(record.leaf_certificate).fingerprint256);
  t.equal(opened.certificates.length, 1 + record.ca_chain.length);
  t.same(opened.friendlyNames, ['tomcat', 'tomcat']);
  t.notMatch(await readFile(out, 'latin1'), /BEGIN/, 'binary DER, not PEM');
});

t.test('write (fetch) -pkcs12-out takes the password from SCMPKI_PKCS12_PASSWORD; without one it refuses locally', async (t) => {
  const out = join(home, 'fetched.pfx');
  const none = await cli(['write', `-pkcs12-out=${out}`, `sectigo-vault-pki/fetch/demo/${record.cert_unique_id}`, 'sectigo_loop_period=0.1']);
  t.equal(none.code, 1);
  t.match(none.stderr, /the key store needs a password: -pkcs12-password-file=FILE or SCMPKI_PKCS12_PASSWORD/);
  const result = await cli(['write', `-pkcs12-out=${out}`, '-pkcs12-encryption=3des', `sectigo-vault-pki/fetch/demo/${record.cert_unique_id}`, 'sectigo_loop_period=0.1'],
    undefined, { SCMPKI_PKCS12_PASSWORD: 's3cret' });
  t.equal(result.code, 0, result.stderr);
  const opened = await openPkcs12(out, 's3cret');
  t.equal(opened.code, 0, opened.info);
  t.match(opened.info, /TripleDES/);
  t.same(opened.friendlyNames, [record.cert_unique_id, record.cert_unique_id], 'the alias defaults to the id');
});

t.test('a field in @file.json and again as key=value fails as with the vault CLI; key=value first lets the JSON win', async (t) => {
  const key = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
  const csr = await buildCsr({ subject: { commonName: 'cli-merge.example.com' }, privateKeyPem: key.privateKeyPem });
  const csrFile = join(home, 'csr.pem');
  await writeFile(csrFile, csr);
  const jsonFile = join(home, 'enroll.json');
  await writeFile(jsonFile, JSON.stringify({ sectigo_csr: csr, sectigo_auto_renew: true, sectigo_loop_period: 0.1 }));

  const conflict = await cli(['write', 'sectigo-vault-pki/enroll/demo', `@${jsonFile}`, `sectigo_csr=@${csrFile}`]);
  t.equal(conflict.code, 2, 'the server refuses, as the plugin does');
  t.match(conflict.stderr, /Code: 400/);
  t.match(conflict.stderr, /sectigo_csr: takes one value, got a list of 2/);

  const jsonLast = await cli(['write', '-format=json', 'sectigo-vault-pki/enroll/demo', 'sectigo_auto_renew=false', `@${jsonFile}`]);
  t.equal(jsonLast.code, 0, jsonLast.stderr);
  t.equal(JSON.parse(jsonLast.stdout).data.auto_renew, true, 'the JSON file, read last, replaced the key=value');
});
