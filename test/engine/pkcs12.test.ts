import { t } from '../helpers/suite.js';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { buildCsr, certificateMatchesKey, generateKeyPair } from '../../src/pki/index.js';
import { FAST, enrollIssued, setUpWithConfigs, sslEnroll } from '../helpers/engine-fixture.js';
import { openPkcs12 } from '../helpers/openssl-pkcs12.js';
import { tempDir } from '../helpers/temp-dir.js';

const samePem = (a: string, b: string) => new X509Certificate(a).fingerprint256 === new X509Certificate(b).fingerprint256;
const sameKey = (a: string, b: string) =>
  createPrivateKey(a).export({ type: 'pkcs8', format: 'der' }).equals(createPrivateKey(b).export({ type: 'pkcs8', format: 'der' }));

t.test('pkcs12/<config>/<id>', async (t) => {
  const setup = await setUpWithConfigs(t);
  const scratch = await tempDir(t, 'pkcs12');

  for (const [label, key, encryption] of [['RSA', { algo: 'RSA', size: '2048' }, undefined], ['EC P-384', { algo: 'EC', size: 'P-384' }, '3des']] as const) {
    t.test(`an ${label} certificate opens in openssl with its key, the full chain and the friendly name (${encryption ?? 'aes256'})`, async (t) => {
      const issued = await enrollIssued(setup, 'web', sslEnroll(`p12-${key.algo.toLowerCase()}.example.com`, key));
      const reply = await setup.call('POST', `pkcs12/web/${issued.cert_unique_id}`, {
        password: 'correct horse',
        friendly_name: 'tomcat',
        ...(encryption && { encryption }),
      });
      t.equal(reply.status, 200, JSON.stringify(reply.body));
      t.same(Object.keys(reply.body.data).sort(), ['cert_unique_id', 'encryption', 'friendly_name', 'not_after', 'pkcs12']);
      t.equal(reply.body.data.encryption, encryption ?? 'aes256');
      const opened = await openPkcs12(Buffer.from(reply.body.data.pkcs12, 'base64'), 'correct horse', scratch);
      t.equal(opened.code, 0, opened.info);
      t.match(opened.info, encryption === '3des' ? /pbeWithSHA1And3-KeyTripleDES-CBC/ : /AES-256-CBC/);
      t.ok(opened.privateKey && sameKey(opened.privateKey, issued.private_key), 'the record\'s key');
      t.ok(certificateMatchesKey(opened.certificates[0], opened.privateKey!), 'which matches the leaf');
      t.equal(opened.certificates.length, 1 + issued.ca_chain.length, 'leaf and the whole chain');
      t.ok(samePem(opened.certificates[0], issued.leaf_certificate), 'leaf first');
      issued.ca_chain.forEach((ca: string, i: number) => t.ok(samePem(opened.certificates[i + 1], ca), `chain[${i}]`));
      t.same(opened.friendlyNames, ['tomcat', 'tomcat'], 'the key and the leaf carry the alias');
      t.not((await openPkcs12(Buffer.from(reply.body.data.pkcs12, 'base64'), 'wrong', scratch)).code, 0, 'a wrong password does not open it');
    });
  }

  t.test('the alias defaults to the id; a renewed id answers the newest certificate', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('p12-renewed.example.com'));
    const renewed = (await setup.call('POST', `renew/web/${issued.cert_unique_id}`, FAST)).body.data;
    const reply = await setup.call('PUT', `pkcs12/web/${issued.cert_unique_id}`, { password: 'pw' });
    t.equal(reply.status, 200, JSON.stringify(reply.body));
    t.equal(reply.body.data.cert_unique_id, renewed.cert_unique_id);
    t.equal(reply.body.data.friendly_name, renewed.cert_unique_id);
    const opened = await openPkcs12(Buffer.from(reply.body.data.pkcs12, 'base64'), 'pw', scratch);
    t.ok(samePem(opened.certificates[0], renewed.leaf_certificate));
  });

  t.test('no password, a record without a key, or an unknown id are 4xx', async (t) => {
    const issued = await enrollIssued(setup, 'web', sslEnroll('p12-refused.example.com'));
    const missing = await setup.call('POST', `pkcs12/web/${issued.cert_unique_id}`, {});
    t.equal(missing.status, 400);
    t.match(missing.body.errors[0], /password/);
    const inQuery = await setup.call('GET', `pkcs12/web/${issued.cert_unique_id}?password=pw`);
    t.equal(inQuery.status, 405, 'no read: a password never goes in a URL');

    const own = await generateKeyPair({ algorithm: 'EC', curve: 'P-256' });
    const csr = await buildCsr({ subject: { commonName: 'p12-csr-only.example.com' }, privateKeyPem: own.privateKeyPem });
    const csrOnly = await enrollIssued(setup, 'web', { sectigo_csr: csr });
    const keyless = await setup.call('POST', `pkcs12/web/${csrOnly.cert_unique_id}`, { password: 'pw' });
    t.equal(keyless.status, 400);
    t.match(keyless.body.errors[0], /holds no private key/);

    t.equal((await setup.call('POST', 'pkcs12/web/999999_demo', { password: 'pw' })).status, 404);
  });
});
