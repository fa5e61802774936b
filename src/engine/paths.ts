/**
 * The engine's path table, as Vault's `backend.go` lists its `Paths`: every
 * path of the Sectigo engine, in one list. Adding a path is adding one
 * `path-<family>.ts` and its definitions here.
 */
import type { PathDefinition } from '../framework/path.js';
import type { EngineContext } from './context.js';
import { configListPath, configPath } from './path-configs.js';
import { enrollPath } from './path-enroll.js';
import { certListPath, certPath } from './path-certs.js';
import { readcertPath } from './path-readcert.js';
import { renewPath } from './path-renew.js';
import { revokePath } from './path-revoke.js';
import { replacePath } from './path-replace.js';
import { fetchPath } from './path-fetch.js';
import { profileListPath, profilePath } from './path-profile.js';
import { syncConfigPath, syncPath } from './path-sync.js';
import { approvePath, declinePath } from './path-approve.js';
import { expiringReportPath } from './path-reports.js';
import { importPath } from './path-import.js';
import { pkcs12Path } from './path-pkcs12.js';

export const enginePaths: PathDefinition<EngineContext>[] = [
  configListPath,
  configPath,
  enrollPath,
  certListPath,
  certPath,
  readcertPath,
  renewPath,
  syncPath,
  syncConfigPath,
  revokePath,
  replacePath,
  fetchPath,
  profilePath,
  profileListPath,
  approvePath,
  declinePath,
  expiringReportPath,
  importPath,
  pkcs12Path,
];
