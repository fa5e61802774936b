/**
 * The engine's path table and services. Adding a path is adding its
 * definition here; adding a background service (collector, renewer) is adding
 * it to engineServices.
 */
import type { PathDefinition } from '../framework/path.js';
import { configPaths } from './configs.js';
import type { EngineContext, EngineService } from './context.js';
import { revokePath } from './revoke.js';
import { replacePath } from './replace.js';
import { fetchPath } from './fetch.js';
import { profileListPath, profilePath } from './profile.js';
import { certificateLifecycleService, certificatePaths } from './certificate-lifecycle.js';

export const enginePaths: PathDefinition<EngineContext>[] = [...configPaths, ...certificatePaths, revokePath, replacePath, fetchPath, profilePath, profileListPath];

export const engineServices: EngineService[] = [certificateLifecycleService];
