/**
 * The agent's own login with AppRole, as Vault Agent's auto-auth does it:
 * the role ID and the secret ID come from files (a deployment tool drops
 * the secret ID, the agent reads it and, by default, deletes the file), and
 * the token lives only in memory. A new login happens when two thirds of the
 * token's lease have passed, and when the server refuses the token (403:
 * revoked, or expired while the host slept).
 *
 * The secret ID read from a removed file is kept in memory for the next
 * login; a new file, when one appears, replaces it.
 */
import { readFile, unlink } from 'node:fs/promises';
import type { Logger } from '../../logging.js';
import { LocalError } from '../local-error.js';
import { secretFromResponse, type VaultClient } from '../vault-client.js';
import type { AppRoleLogin } from './agent-config.js';

/** The share of a lease after which the agent logs in again, so a token never lapses between two passes. */
const RELOGIN_AT_SHARE = 2 / 3;

export class AppRoleSession {
  private token: string | undefined;
  private reloginAtMs = 0;
  private secretId: string | undefined;

  constructor(
    private readonly settings: AppRoleLogin,
    private readonly client: VaultClient,
    private readonly logger: Logger,
  ) {}

  /** Puts a live token on the client: the current one, or a new login's when there is none or it is due. */
  async ensureToken(): Promise<void> {
    if (this.token !== undefined && Date.now() < this.reloginAtMs) return;
    await this.login();
  }

  /** The server refused the token: the next ensureToken logs in again. */
  discardToken(): void {
    this.token = undefined;
  }

  private async login(): Promise<void> {
    const roleId = (await readCredential(this.settings.roleIdFile, 'role ID')) ?? '';
    if (roleId === '') throw new LocalError(`AppRole login: the role ID file ${this.settings.roleIdFile} is missing or empty`);
    const secretId = await this.readSecretId();
    const path = `auth/${this.settings.mountPath}/login`;
    const secret = secretFromResponse(await this.client.request('PUT', path, { body: { role_id: roleId, secret_id: secretId }, token: '' }), false);
    const auth = secret?.auth;
    if (typeof auth?.client_token !== 'string') throw new LocalError(`AppRole login: ${path} returned no token`);
    const leaseSeconds = Number(auth.lease_duration ?? 0);
    this.token = auth.client_token;
    this.client.config.token = auth.client_token;
    this.reloginAtMs = leaseSeconds > 0 ? Date.now() + leaseSeconds * 1000 * RELOGIN_AT_SHARE : Infinity;
    this.logger.info({ accessor: auth.accessor, policies: auth.token_policies, lease_duration: leaseSeconds }, 'logged in with AppRole');
  }

  private async readSecretId(): Promise<string> {
    const fromFile = await readCredential(this.settings.secretIdFile, 'secret ID');
    if (fromFile !== undefined) {
      this.secretId = fromFile;
      if (this.settings.removeSecretIdFile) await unlink(this.settings.secretIdFile);
    }
    if (this.secretId === undefined || this.secretId === '') {
      throw new LocalError(`AppRole login: the secret ID file ${this.settings.secretIdFile} is missing or empty`);
    }
    return this.secretId;
  }
}

/** The file's text, trimmed; undefined when there is no file. */
async function readCredential(file: string, what: string): Promise<string | undefined> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new LocalError(`AppRole login: cannot read the ${what} file ${file}: ${code ?? err}`);
  }
}
