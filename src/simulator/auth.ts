/**
 * SCM's ways in (reference/scm-api.md §2): the `login`/`password`/
 * `customerUri` headers on every call, an OAuth2 client-credentials token
 * from the Keycloak-style endpoint sent as `Authorization: Bearer`, or (on
 * the client-certificate listener) an admin's certificate on TLS.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from 'koa';
import { scm } from './scm-reply.js';
import { presentedCertificate } from './client-cert-listener.js';

export interface Credentials {
  login: string;
  password: string;
  customerUri: string;
  clientId: string;
  clientSecret: string;
  /** Normalised certificate serial number → login, for the client-certificate listener. */
  certificateAdmins: Map<string, string>;
}

export const TOKEN_PATH = '/auth/realms/apiclients/protocol/openid-connect/token';

export class TokenStore {
  private readonly expiries = new Map<string, number>();

  issue(ttlSeconds: number): string {
    const token = randomBytes(32).toString('base64url');
    this.expiries.set(token, Date.now() + ttlSeconds * 1000);
    return token;
  }

  isValid(token: string): boolean {
    const expiry = this.expiries.get(token);
    return expiry !== undefined && expiry > Date.now();
  }

  /** Lets tests prove a client refreshes its token on 401. */
  expireAll(): void {
    this.expiries.clear();
  }
}

export function authenticate(ctx: Context, credentials: Credentials, tokens: TokenStore): void {
  const presented = presentedCertificate(ctx.req);
  if (presented) {
    // A certificate login: no password; the certificate names the admin, who must be the one in `login`.
    const admin = presented.trusted ? credentials.certificateAdmins.get(presented.serialNumber) : undefined;
    if (admin === undefined || !same(ctx.get('login'), admin) || !same(ctx.get('customerUri'), credentials.customerUri)) throw scm.unknownUser();
    return;
  }
  const authorization = ctx.get('authorization');
  if (/^bearer\s/i.test(authorization)) {
    if (tokens.isValid(authorization.replace(/^bearer\s+/i, '').trim())) return;
    ctx.set('WWW-Authenticate', `Bearer authorization_uri="${ctx.protocol}://${ctx.host}${TOKEN_PATH}"`);
    throw scm.unknownUser();
  }
  const matches =
    same(ctx.get('login'), credentials.login) &&
    same(ctx.get('password'), credentials.password) &&
    same(ctx.get('customerUri'), credentials.customerUri);
  if (!matches) throw scm.unknownUser();
}

/**
 * The token endpoint answers in OAuth2's own error format (RFC 6749 §5.2),
 * not SCM's, because on real SCM it is a different server (Keycloak).
 */
export function issueToken(ctx: Context, rawBody: string, credentials: Credentials, tokens: TokenStore, ttl: number): void {
  const form = new URLSearchParams(rawBody);
  const basic = /^basic\s+(.+)$/i.exec(ctx.get('authorization'));
  const [basicId, basicSecret] = basic ? Buffer.from(basic[1], 'base64').toString().split(':') : [];
  const clientId = form.get('client_id') ?? basicId ?? '';
  const clientSecret = form.get('client_secret') ?? basicSecret ?? '';
  if (form.get('grant_type') !== 'client_credentials') {
    ctx.status = 400;
    ctx.body = { error: 'unsupported_grant_type', error_description: 'Unsupported grant_type' };
    return;
  }
  if (!same(clientId, credentials.clientId) || !same(clientSecret, credentials.clientSecret)) {
    ctx.status = 401;
    ctx.body = { error: 'unauthorized_client', error_description: 'Invalid client or Invalid client credentials' };
    return;
  }
  ctx.body = {
    access_token: tokens.issue(ttl),
    expires_in: ttl,
    refresh_expires_in: 0,
    token_type: 'Bearer',
    'not-before-policy': 0,
    scope: 'profile email',
  };
}

function same(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
