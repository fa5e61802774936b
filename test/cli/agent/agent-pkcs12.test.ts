import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { t } from '../../helpers/suite.js';
import { certificateMatchesKey } from '../../../src/pki/index.js';
import { parseAgentConfig } from '../../../src/cli/agent/agent-config.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { countLines, runAgentOnce, startAgentWorld } from '../../helpers/agent-harness.js';
import { openPkcs12 } from '../../helpers/openssl-pkcs12.js';
import { runCli } from '../../helpers/run-cli.js';

const world = await startAgentWorld(t);
const enrolled = await world.enroll({ sectigo_csr_domain: 'java.example.com', sectigo_csr_key_algo: 'EC', sectigo_csr_key_size: 'P-256' });
const id = enrolled.cert_unique_id as string;
const dir = await tempDir(t, 'agent-pkcs12');
await mkdir(join(dir, 'tls'));
const p12 = join(dir, 'tls', 'keystore.p12');
const passwordFile = join(dir, 'keystore.pass');
await writeFile(passwordFile, 'changeit\n', { mode: 0o600 });
const reloadLog = join(dir, 'reloads.log');
const config = (entry: Record<string, unknown> = {}) => ({
  vault_addr: world.server.url,
  token: world.server.token,
  certificates: [{
    path: `sectigo-vault-pki/certs/web/${id}`,
    dir: 'tls',
    pkcs12_file: 'keystore.p12',
    pkcs12_password_file: passwordFile,
    pkcs12_friendly_name: 'tomcat',
    reload_command: `echo reloaded >> "${reloadLog}"`,
    ...entry,
  }],
});
const sameKey = (a: string, b: string) =>
  createPrivateKey(a).export({ type: 'pkcs8', format: 'der' }).equals(createPrivateKey(b).export({ type: 'pkcs8', format: 'der' }));

t.test('the agent writes a 0600 key store beside the PEM files that openssl opens with the right key, chain and alias', async (t) => {
  const run = await runAgentOnce(dir, config());
  t.equal(run.code, 0, run.stderr);
  t.equal((await stat(p12)).mode & 0o777, 0o600);
  const opened = await openPkcs12(p12, 'changeit');
  t.equal(opened.code, 0, opened.info);
  t.ok(sameKey(opened.privateKey!, await readFile(join(dir, 'tls', 'key.pem'), 'utf8')), 'the key of key.pem');
  t.ok(certificateMatchesKey(opened.certificates[0], opened.privateKey!));
  t.equal(opened.certificates.join(''), await readFile(join(dir, 'tls', 'fullchain.pem'), 'utf8'), 'leaf and chain, as fullchain.pem');
  t.same(opened.friendlyNames, ['tomcat', 'tomcat']);
  t.equal(await countLines(reloadLog), 1);
  t.notMatch(run.stdout, /changeit/, 'the password is never logged');
});

t.test('an unchanged certificate leaves the key store untouched and reloads nothing', async (t) => {
  const before = await stat(p12);
  const run = await runAgentOnce(dir, config());
  t.equal(run.code, 0, run.stderr);
  const after = await stat(p12);
  t.same([after.ino, after.mtimeMs], [before.ino, before.mtimeMs]);
  t.equal(await countLines(reloadLog), 1);
});

t.test('a renewal rewrites it with the new certificate and reloads once', async (t) => {
  const run = await runAgentOnce(dir, config({ expiry_window_days: 364 }));
  t.equal(run.code, 0, run.stderr);
  const opened = await openPkcs12(p12, 'changeit');
  const cert = await readFile(join(dir, 'tls', 'cert.pem'), 'utf8');
  t.not(new X509Certificate(cert).serialNumber, new X509Certificate(enrolled.leaf_certificate as string).serialNumber, 'renewed');
  t.equal(new X509Certificate(opened.certificates[0]).serialNumber, new X509Certificate(cert).serialNumber, 'the key store holds the renewal');
  t.equal(await countLines(reloadLog), 2);
});

t.test('a password from a named environment variable; when it is unset the run fails and nothing is written', async (t) => {
  const file = join(dir, 'agent-env.json');
  const entry = { pkcs12_password_file: undefined, pkcs12_password_env: 'KEYSTORE_PASSWORD', pkcs12_encryption: '3des' };
  await writeFile(file, JSON.stringify(config(entry)));
  const before = await stat(p12);
  const unset = await runCli(['agent', '-once', `-config=${file}`], { env: { HOME: dir } });
  t.equal(unset.code, 2);
  t.match(unset.stderr, /pkcs12_password_env: KEYSTORE_PASSWORD is not set; keeping the current files/);
  t.equal((await stat(p12)).mtimeMs, before.mtimeMs);

  const set = await runCli(['agent', '-once', `-config=${file}`], { env: { HOME: dir, KEYSTORE_PASSWORD: 'from-env' } });
  t.equal(set.code, 0, set.stderr);
  const opened = await openPkcs12(p12, 'from-env');
  t.equal(opened.code, 0, 'a new password (and encryption) is a change: rewritten');
  t.match(opened.info, /TripleDES/);
});

t.test('config: a key store needs exactly one password source, and its options need the file', async (t) => {
  const base = { certificates: [{ path: 'sectigo-vault-pki/certs/web/1_demo', dir: '.' }] };
  const withEntry = (entry: Record<string, unknown>) => JSON.stringify({ certificates: [{ ...base.certificates[0], ...entry }] });
  t.throws(() => parseAgentConfig(withEntry({ pkcs12_file: 'a.p12' }), 'agent.json'), /certificates\[0\]\.pkcs12_file: needs exactly one of pkcs12_password_file and pkcs12_password_env/);
  t.throws(() => parseAgentConfig(withEntry({ pkcs12_file: 'a.p12', pkcs12_password_file: 'p', pkcs12_password_env: 'P' }), 'agent.json'), /needs exactly one/);
  t.throws(() => parseAgentConfig(withEntry({ pkcs12_password_env: 'P' }), 'agent.json'), /certificates\[0\]\.pkcs12_password_env: only with certificates\[0\]\.pkcs12_file/);
  t.throws(() => parseAgentConfig(withEntry({ pkcs12_file: 'a.p12', pkcs12_password_env: 'not a name' }), 'agent.json'), /pkcs12_password_env: must be an environment variable name/);
  t.throws(() => parseAgentConfig(withEntry({ pkcs12_file: 'cert.pem', pkcs12_password_env: 'P' }), 'agent.json'), /pkcs12_file: .*cert\.pem is already written by certificates\[0\]\.cert_file/);
  const parsed = parseAgentConfig(withEntry({ pkcs12_file: 'a.p12', pkcs12_password_env: 'P' }), '/etc/scmpki/agent.json');
  t.same(parsed.certificates[0].pkcs12, { file: '/etc/scmpki/a.p12', passwordFile: undefined, passwordEnv: 'P', friendlyName: undefined, encryption: undefined });
  const inDir = parseAgentConfig(JSON.stringify({ certificates: [{ path: 'm/certs/web/1_demo', dir: 'tls', pkcs12_file: 'k.p12', pkcs12_password_file: 'k.pass' }] }), '/etc/scmpki/agent.json');
  t.same([inDir.certificates[0].pkcs12?.file, inDir.certificates[0].pkcs12?.passwordFile], ['/etc/scmpki/tls/k.p12', '/etc/scmpki/k.pass'], 'the key store in dir, its password file beside the config');
});
