/**
 * PKCS#12 key stores (`.p12` / `.pfx`) for the hosts that take nothing else
 * (Java, Windows): the key, the leaf and its chain under one password.
 *
 * node-forge supplies the ASN.1, the password-based encryption and the
 * PKCS#12 key derivation; the PFX itself is assembled here from DER because
 * forge's own `toPkcs12Asn1` reads keys and certificates through its RSA-only
 * object model, and scmpki's records hold EC keys too. forge is imported on
 * first use, so a server that never builds a key store starts as before.
 *
 * Layout (what `openssl pkcs12 -export` writes): one unencrypted SafeContents
 * with the certificates (leaf first), one with the shrouded key; the leaf and
 * the key share `friendlyName` and `localKeyId` (SHA-1 of the leaf), which is
 * how Java's and Windows' key stores pair them; a MAC over both.
 */
import { createHash, createPrivateKey } from 'node:crypto';
import type * as Forge from 'node-forge';
import { UserError } from '../errors.js';
import { PkiInputError } from './input-error.js';
import { findPemBlocks } from './pem-text.js';

/**
 * `aes256`: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) and a SHA-256 MAC, what
 * OpenSSL 3 writes by default. `3des`: pbeWithSHAAnd3-KeyTripleDES-CBC and a
 * SHA-1 MAC, for Windows Server 2016 and Java before 8u301.
 */
export type Pkcs12Encryption = 'aes256' | '3des';

export interface Pkcs12Content {
  privateKeyPem: string;
  /** The leaf. */
  certificatePem: string;
  /** Issuer first. */
  chainPems: readonly string[];
  password: string;
  friendlyName: string;
  encryption?: Pkcs12Encryption;
}

const ITERATIONS = 2048;

let forgeModule: Promise<typeof Forge> | undefined;
function loadForge(): Promise<typeof Forge> {
  forgeModule ??= import('node-forge').then((module) => (module as unknown as { default: typeof Forge }).default ?? module);
  return forgeModule;
}

export async function buildPkcs12(content: Pkcs12Content): Promise<Buffer> {
  const forge = await loadForge();
  const { asn1, pki } = forge;
  const encryption = content.encryption ?? 'aes256';
  const der = (bytes: Buffer) => asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));
  const oid = (name: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(pki.oids[name]).getBytes());
  const octets = (bytes: string) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bytes);
  const seq = (items: Forge.asn1.Asn1[]) => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
  const explicit = (item: Forge.asn1.Asn1) => asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [item]);
  const dataInfo = (inner: Forge.asn1.Asn1) => seq([oid('data'), explicit(octets(asn1.toDer(inner).getBytes()))]);

  let keyInfo: Buffer;
  try {
    keyInfo = createPrivateKey(content.privateKeyPem).export({ format: 'der', type: 'pkcs8' });
  } catch {
    throw new PkiInputError('privateKey', 'is not a readable PEM private key');
  }
  const certificates = [content.certificatePem, ...content.chainPems].map(certificateDer);
  const leaf = certificates[0];

  const attributes = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [
    seq([oid('localKeyId'), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [octets(createHash('sha1').update(leaf).digest('binary'))])]),
    seq([oid('friendlyName'), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BMPSTRING, false, content.friendlyName)])]),
  ]);
  const certBags = certificates.map((cert, index) => {
    const bag = [oid('certBag'), explicit(seq([oid('x509Certificate'), explicit(octets(cert.toString('binary')))]))];
    return seq(index === 0 ? [...bag, attributes] : bag);
  });
  const shrouded = pki.encryptPrivateKeyInfo(der(keyInfo), content.password, {
    algorithm: encryption,
    count: ITERATIONS,
    saltSize: 16,
    ...(encryption === 'aes256' && { prfAlgorithm: 'sha256' }),
  } as Forge.pki.EncryptionOptions);
  const keyBag = seq([oid('pkcs8ShroudedKeyBag'), explicit(shrouded), attributes]);
  const safe = seq([dataInfo(seq(certBags)), dataInfo(seq([keyBag]))]);

  const sha256 = encryption === 'aes256';
  const macSalt = forge.random.getBytesSync(16);
  const macKey = forge.pkcs12.generateKey(content.password, forge.util.createBuffer(macSalt), 3, ITERATIONS, sha256 ? 32 : 20, sha256 ? forge.md.sha256.create() : forge.md.sha1.create());
  const hmac = forge.hmac.create();
  hmac.start(sha256 ? 'sha256' : 'sha1', macKey.getBytes());
  hmac.update(asn1.toDer(safe).getBytes());
  const macData = seq([
    seq([seq([oid(sha256 ? 'sha256' : 'sha1'), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')]), octets(hmac.digest().getBytes())]),
    octets(macSalt),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(ITERATIONS).getBytes()),
  ]);
  const pfx = seq([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(3).getBytes()), dataInfo(safe), macData]);
  return Buffer.from(asn1.toDer(pfx).getBytes(), 'binary');
}

function certificateDer(pem: string): Buffer {
  const block = findPemBlocks(pem).find((found) => found.label === 'CERTIFICATE');
  if (!block) throw new UserError('certificate: holds no PEM certificate');
  return Buffer.from(block.der);
}
