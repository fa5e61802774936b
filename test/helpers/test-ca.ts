import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import {
  BasicConstraintsExtension,
  Pkcs10CertificateRequest,
  X509Certificate,
  X509CertificateGenerator,
} from '@peculiar/x509';

const crypto = webcrypto as Crypto;
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

// Canonical PEM (LF, trailing newline), the form src/pki returns, so tests can compare strings.
const pem = (cert: X509Certificate) => `${cert.toString('pem').replace(/\r\n/g, '\n').trimEnd()}\n`;

export interface TestCa {
  rootPem: string;
  intermediatePem: string;
  /** Signs a CSR with the intermediate, copying its subject and extensions. */
  issue(csrPem: string, options?: { serialNumber?: string; notBefore?: Date; notAfter?: Date }): Promise<string>;
}

/** A root and an intermediate, as SCM's chain has, made fresh for each test file. */
export async function createTestCa(): Promise<TestCa> {
  const rootKeys = (await crypto.subtle.generateKey(EC, false, ['sign', 'verify'])) as CryptoKeyPair;
  const root = await X509CertificateGenerator.createSelfSigned(
    { name: 'CN=scmpki test root, O=scmpki tests', keys: rootKeys, signingAlgorithm: EC,
      extensions: [new BasicConstraintsExtension(true, undefined, true)] },
    crypto,
  );
  const intermediateKeys = (await crypto.subtle.generateKey(EC, false, ['sign', 'verify'])) as CryptoKeyPair;
  const intermediate = await X509CertificateGenerator.create(
    { subject: 'CN=scmpki test intermediate, O=scmpki tests', issuer: root.subject,
      publicKey: intermediateKeys.publicKey, signingKey: rootKeys.privateKey, signingAlgorithm: EC,
      extensions: [new BasicConstraintsExtension(true, 0, true)] },
    crypto,
  );
  return {
    rootPem: pem(root),
    intermediatePem: pem(intermediate),
    async issue(csrPem, options = {}) {
      const csr = new Pkcs10CertificateRequest(csrPem);
      const leaf: X509Certificate = await X509CertificateGenerator.create(
        { subject: csr.subjectName, issuer: intermediate.subject, publicKey: csr.publicKey,
          signingKey: intermediateKeys.privateKey, signingAlgorithm: EC,
          extensions: [new BasicConstraintsExtension(false), ...csr.extensions], ...options },
        crypto,
      );
      return pem(leaf);
    },
  };
}
