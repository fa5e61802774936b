/**
 * Paths of Vault's PKI engine that cannot map onto SCM: SCM's CAs live at
 * Sectigo, so scmpki cannot create, import or sign with a CA, and SCM
 * publishes its own CRLs. Each answers 400 with the reason, so a script
 * written for Vault learns why instead of meeting a bare 404.
 */
import { UserError } from '../errors.js';
import { definePath, type PathDefinition } from '../framework/path.js';
import type { PkiEngineContext } from './context.js';

function unsupported(pattern: string, why: string): PathDefinition<PkiEngineContext> {
  const refuse = async (): Promise<never> => {
    throw new UserError(`${pattern.replace(/:(\w+)/g, '<$1>')} is not supported: ${why}`);
  };
  return definePath<PkiEngineContext>({
    pattern,
    synopsis: 'Not supported over SCM',
    help: `Not supported: ${why}.`,
    fields: {},
    operations: { read: refuse, update: refuse, delete: refuse },
  });
}

const CA_AT_SECTIGO = 'the CA is Sectigo\'s, held by SCM; scmpki orders certificates from it and never holds a CA key';
const CRL_AT_SECTIGO = 'SCM publishes the CRL of its CA; revoke through revoke and read the CRL from the CRL distribution point in the certificate';

export const unsupportedPaths: PathDefinition<PkiEngineContext>[] = [
  unsupported('root/generate/:type', CA_AT_SECTIGO),
  unsupported('root', CA_AT_SECTIGO),
  unsupported('root/sign-intermediate', CA_AT_SECTIGO),
  unsupported('root/sign-self-issued', CA_AT_SECTIGO),
  unsupported('intermediate/generate/:type', CA_AT_SECTIGO),
  unsupported('intermediate/set-signed', CA_AT_SECTIGO),
  unsupported('config/ca', CA_AT_SECTIGO),
  unsupported('crl', CRL_AT_SECTIGO),
  unsupported('crl/pem', CRL_AT_SECTIGO),
  unsupported('crl/rotate', CRL_AT_SECTIGO),
  unsupported('tidy', 'records stay as the history of what was ordered from SCM; nothing is pruned'),
];
