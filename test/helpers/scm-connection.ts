/**
 * How tests reach SCM: the simulator's demo user (as SCM's headers, as an
 * ScmClient's auth, as a config entry's connection fields), and a complete
 * config entry for an SCM host that does not exist.
 */
import { ScmClient } from '../../src/scm/index.js';
import type { Simulator } from '../../src/simulator/index.js';

/** The simulator's default user, as SCM's login/password/customerUri headers. */
export const SIMULATOR_LOGIN = { login: 'demo', password: 'demo', customerUri: 'demo' };

/** The same user as an ScmClient's password auth. */
export const SIMULATOR_AUTH = { type: 'password', ...SIMULATOR_LOGIN } as const;

/** A config entry's connection to a running simulator: its URL, the demo user and the simulator's organization. */
export function simulatorConnection(sim: Pick<Simulator, 'url' | 'orgId'>) {
  return {
    sectigo_cm_base_url: sim.url,
    sectigo_cm_user: SIMULATOR_LOGIN.login,
    sectigo_cm_password: SIMULATOR_LOGIN.password,
    sectigo_cm_uri: SIMULATOR_LOGIN.customerUri,
    sectigo_cm_org_id: sim.orgId,
  };
}

/** SCM with the simulator's credentials, for what another SCM user (or SCM's web UI) does behind scmpki's back. */
export function scmBehindTheBack(sim: Simulator): ScmClient {
  return new ScmClient({ baseUrl: sim.url, auth: SIMULATOR_AUTH });
}

/** A complete config entry as the vault CLI sends it, every value a string; its SCM host (.example) does not exist. */
export function configAsStrings(password = 'demo-password'): Record<string, string> {
  return {
    sectigo_cm_base_url: 'https://cert-manager.example/api/ssl/v1',
    sectigo_cm_user: 'api-user',
    sectigo_cm_password: password,
    sectigo_cm_uri: 'acme',
    sectigo_cm_org_id: '1234',
    sectigo_config_type: 'ssl_cert',
  };
}
