/**
 * The agent's PKCS#12 output (`pkcs12_file`): the same key, leaf and chain as
 * the PEM files, for a Java or Windows service. A key store's bytes differ on
 * every build (random salts and IVs), so it is compared by a fingerprint of
 * what went into it: rewritten, and the service reloaded, only when the
 * certificate, key, chain, alias, encryption or password changed.
 */
import { createHash } from 'node:crypto';
import { buildPkcs12, splitPemChain } from '../../pki/index.js';
import { readPasswordFile } from '../pkcs12-output.js';
import type { CertificateTarget } from './agent-config.js';
import type { DesiredFile } from './atomic-files.js';
import { UnusableCertificateError, type CertificateBundle } from './certificate-bundle.js';

export async function keyStoreFile(target: CertificateTarget, bundle: CertificateBundle, env: NodeJS.ProcessEnv): Promise<DesiredFile | undefined> {
  const store = target.pkcs12;
  if (!store) return undefined;
  const password = store.passwordFile
    ? await readPasswordFile(store.passwordFile, `${target.path}: pkcs12_password_file`)
    : env[store.passwordEnv!];
  if (!password) throw new UnusableCertificateError(`${target.path}: pkcs12_password_env: ${store.passwordEnv} is not set; keeping the current files`);
  const friendlyName = store.friendlyName ?? bundle.certUniqueId;
  const encryption = store.encryption ?? 'aes256';
  const { cert, key, chain } = bundle.contents;
  return {
    path: store.file,
    content: await buildPkcs12({ privateKeyPem: key, certificatePem: cert, chainPems: splitPemChain(chain), password, friendlyName, encryption }),
    mode: 0o600,
    owner: target.owner,
    fingerprint: createHash('sha256').update([cert, chain, key, friendlyName, encryption, password].join('\0')).digest('hex'),
  };
}
