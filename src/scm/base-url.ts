import { UserError } from '../errors.js';

/**
 * Users paste whatever URL their SCM documentation showed them: the bare host,
 * the `/api` root, a full endpoint such as `/api/ssl/v1`, or the client-cert
 * form `/private/api` (reference/scm-api.md §1.1). All of them name one API
 * root; every call is made relative to it (`{apiRoot}/ssl/v1/enroll`).
 */
export interface ScmApiRoot {
  /** `https://cert-manager.com` */
  origin: string;
  /** `https://cert-manager.com/api` or `https://cert-manager.com/private/api` */
  apiRoot: string;
}

export function normalizeScmBaseUrl(input: string): ScmApiRoot {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw new UserError(`SCM base URL "${input}" is not a URL; expected e.g. https://cert-manager.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`SCM base URL "${input}" must use https:// (or http:// for a local simulator)`);
  }
  if (url.username || url.password) {
    // Credentials belong in the config's user/password fields, where they are
    // encrypted; a URL ends up in logs.
    throw new UserError(`SCM base URL must not contain credentials; use the user and password fields instead`);
  }
  if (url.search || url.hash) {
    throw new UserError(`SCM base URL "${input}" must not contain a query or fragment`);
  }
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const apiIndex = segments.indexOf('api');
  // Everything from `api` on is an endpoint path; anything before it (e.g.
  // `private`, or a reverse-proxy prefix) is part of the root.
  const prefix = apiIndex === -1 ? segments : segments.slice(0, apiIndex);
  const apiRoot = `${url.origin}/${[...prefix, 'api'].join('/')}`;
  return { origin: url.origin, apiRoot };
}
