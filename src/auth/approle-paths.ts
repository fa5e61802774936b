/** The AppRole auth method's path table, mounted at `auth/approle` (server/mounts.ts). */
import type { PathDefinition } from '../framework/path.js';
import { whenEnabled, type AppRoleContext } from './approle-context.js';
import { appRoleLoginPaths } from './approle-login-path.js';
import { appRoleRolePaths } from './approle-role-paths.js';
import { appRoleSecretIdPaths } from './approle-secret-id-paths.js';

export const appRolePaths: PathDefinition<AppRoleContext>[] = whenEnabled([...appRoleLoginPaths, ...appRoleRolePaths, ...appRoleSecretIdPaths]);
