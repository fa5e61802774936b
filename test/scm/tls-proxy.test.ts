/** TLS trust (custom CA bundle, verifyTls) and the HTTPS proxy, over real sockets. */
import 'reflect-metadata';
import { t } from '../helpers/suite.js';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { webcrypto } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as x509 from '@peculiar/x509';
import { ScmClient, ScmError, type ScmClientOptions } from '../../src/scm/index.js';

x509.cryptoProvider.set(webcrypto as Crypto);

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const keys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
const cert = await x509.X509CertificateGenerator.createSelfSigned({
  serialNumber: '01',
  name: 'CN=scm.test',
  notBefore: new Date(Date.now() - 60_000),
  notAfter: new Date(Date.now() + 86_400_000),
  keys,
  signingAlgorithm: algorithm,
  extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }])],
});
const certPem = cert.toString('pem');
const keyDer = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
const keyPem = `-----BEGIN PRIVATE KEY-----\n${keyDer.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END PRIVATE KEY-----\n`;

const scm = https.createServer({ key: keyPem, cert: certPem }, (req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify([{ id: 1, name: req.url, terms: [365] }]));
});
await new Promise<void>((resolve) => scm.listen(0, '127.0.0.1', resolve));
const scmUrl = `https://127.0.0.1:${(scm.address() as AddressInfo).port}`;

const tunnels: string[] = [];
const proxy = http.createServer((_req, res) => res.writeHead(405).end());
proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
  tunnels.push(req.url ?? '');
  const [host, port] = (req.url ?? '').split(':');
  const upstream = net.connect(Number(port), host, () => {
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    upstream.write(head);
    upstream.pipe(client);
    client.pipe(upstream);
  });
  upstream.on('error', () => client.destroy());
  client.on('error', () => upstream.destroy());
});
await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

const clients: ScmClient[] = [];
function client(overrides: Partial<ScmClientOptions>): ScmClient {
  const created = new ScmClient({ baseUrl: scmUrl, auth: { type: 'password', login: 'l', password: 'p', customerUri: 'c' }, retry: { retries: 0 }, ...overrides });
  clients.push(created);
  return created;
}
t.teardown(() => {
  clients.forEach((c) => c.close());
  scm.closeAllConnections();
  scm.close();
  proxy.closeAllConnections();
  proxy.close();
});

t.test('an untrusted certificate is a transport error', async (t) => {
  const failure = await client({}).listSslTypes().catch((err: unknown) => err);
  t.ok(failure instanceof ScmError);
  t.match(failure, { httpStatus: 0, transport: true, description: /self.signed|SELF_SIGNED/i });
});

t.test('a CA bundle makes the certificate trusted', async (t) => {
  t.match(await client({ caBundle: certPem }).listSslTypes(), [{ id: 1, name: '/api/ssl/v1/types' }]);
});

t.test('verifyTls=false skips verification', async (t) => {
  t.match(await client({ verifyTls: false }).listSslTypes(), [{ id: 1 }]);
});

t.test('HTTPS goes through the proxy as a CONNECT tunnel, still verified with the CA bundle', async (t) => {
  tunnels.length = 0;
  t.match(await client({ caBundle: certPem, proxyUrl }).listSslTypes(), [{ id: 1 }]);
  t.same(tunnels, [`127.0.0.1:${(scm.address() as AddressInfo).port}`]);
  const untrusted = await client({ proxyUrl }).listSslTypes().catch((err: unknown) => err);
  t.match(untrusted, { transport: true, description: /self.signed|SELF_SIGNED/i }, 'the tunnel does not bypass verification');
});
