/**
 * The path table of a Vault-PKI-style engine over SCM, as Vault's
 * `backend.go` lists its paths. Every PKI mount (mount-table.ts) serves it.
 */
import type { PathDefinition } from '../framework/path.js';
import type { PkiEngineContext } from './context.js';
import { caChainPath, caDerPath, caPemPath, certListPath, certPath, certRawPath, certRawPemPath, revokePath } from './path-certs.js';
import { issuePath, signPath, signVerbatimNoRolePath, signVerbatimPath } from './path-issue.js';
import { roleListPath, rolePath } from './path-roles.js';
import { unsupportedPaths } from './path-unsupported.js';

export const pkiPaths: PathDefinition<PkiEngineContext>[] = [
  roleListPath,
  rolePath,
  issuePath,
  signPath,
  signVerbatimPath,
  signVerbatimNoRolePath,
  certPath,
  certRawPemPath,
  certRawPath,
  certListPath,
  caDerPath,
  caPemPath,
  caChainPath,
  revokePath,
  ...unsupportedPaths,
];

/** Paths Vault's PKI engine serves without a token (relative to the mount). */
export function isPublicPkiPath(relative: string): boolean {
  return relative === 'ca' || relative === 'ca/pem' || relative === 'ca_chain' || relative.startsWith('cert/');
}
