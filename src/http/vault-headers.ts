/**
 * Vault features scmpki does not have must fail loudly: silently ignoring a
 * wrap request would hand a caller the plain secret it asked to have wrapped,
 * and ignoring a namespace would act on the wrong tree.
 */
import type { Middleware } from 'koa';
import { UserError } from '../errors.js';
import type { RequestState } from '../framework/request-state.js';

export function vaultHeaders(): Middleware<RequestState> {
  return async (ctx, next) => {
    if (ctx.get('X-Vault-Wrap-TTL') !== '') {
      throw new UserError('X-Vault-Wrap-TTL: response wrapping is not supported');
    }
    const namespace = ctx.get('X-Vault-Namespace').replace(/\/+$/, '');
    if (namespace !== '' && namespace !== 'root') {
      throw new UserError(`X-Vault-Namespace: namespaces are not supported (got "${namespace}"); use the root namespace`);
    }
    await next();
  };
}
