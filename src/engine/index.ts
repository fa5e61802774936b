/**
 * The engine's path table and services. Adding a path is adding its
 * definition here; adding a background service (collector, renewer) is adding
 * it to engineServices.
 */
import type { PathDefinition } from '../framework/path.js';
import { configPaths } from './configs.js';
import type { EngineContext, EngineService } from './context.js';

export const enginePaths: PathDefinition<EngineContext>[] = [...configPaths];

export const engineServices: EngineService[] = [];
