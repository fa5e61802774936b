/** Vault's PKI engine API: cert-manager, hvac, roles, bad input. */
import { runSuite } from '../helpers/suite.js';

await runSuite(import.meta.url, [
  '../vault-pki/cert-manager-sign.test.ts',
  '../vault-pki/hvac-pki.test.ts',
  '../vault-pki/pki-engine.test.ts',
  '../vault-pki/bad-input.test.ts',
  '../vault-pki/name-policy.test.ts',
]);
