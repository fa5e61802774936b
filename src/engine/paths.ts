/**
 * The engine's path table and services. Adding a path is adding its
 * definition here; adding a background service (collector, renewer) is adding
 * it to engineServices.
 */
import type { PathDefinition } from '../framework/path.js';
import { configPaths } from './path-configs.js';
import type { EngineContext, EngineService } from './context.js';
import { revokePath } from './path-revoke.js';
import { replacePath } from './path-replace.js';
import { fetchPath } from './path-fetch.js';
import { profileListPath, profilePath } from './path-profile.js';
import { certificateLifecycleService, certificatePaths } from '../server/services.js';

export const enginePaths: PathDefinition<EngineContext>[] = [...configPaths, ...certificatePaths, revokePath, replacePath, fetchPath, profilePath, profileListPath];

export const engineServices: EngineService[] = [certificateLifecycleService];
