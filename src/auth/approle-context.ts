/**
 * What the AppRole paths share: their context, the gate that answers as an
 * unmounted path while the method is not enabled, and the role lookup every
 * role-scoped path starts with.
 */
import { NotFoundError } from '../errors.js';
import { HttpError } from '../framework/errors.js';
import type { OperationHandler, PathDefinition } from '../framework/path.js';
import type { AppRoleEntry, AppRoleStore } from './approle-store.js';
import { APPROLE, type AuthMethods } from './auth-methods.js';
import type { TokenStore } from './token-store.js';

export interface AppRoleContext {
  methods: AuthMethods;
  approles: AppRoleStore;
  tokens: TokenStore;
}

export async function requireRole(ctx: AppRoleContext, name: string): Promise<AppRoleEntry> {
  const role = await ctx.approles.getRole(name);
  if (!role) throw new NotFoundError(`role "${name}" does not exist`);
  return role;
}

/** Every operation of `defs` answers 404, as Vault does for a path under no mount, until approle is enabled. */
export function whenEnabled(defs: PathDefinition<AppRoleContext>[]): PathDefinition<AppRoleContext>[] {
  return defs.map((def) => ({
    ...def,
    operations: Object.fromEntries(
      Object.entries(def.operations).map(([operation, handler]) => {
        const gated: OperationHandler<AppRoleContext> = async (req, ctx) => {
          if (!ctx.methods.isEnabled(APPROLE)) throw new HttpError(404, 'no handler for route: the approle auth method is not enabled (vault auth enable approle)');
          return handler(req, ctx);
        };
        return [operation, gated];
      }),
    ),
  }));
}
