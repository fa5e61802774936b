/**
 * The agent's work: for each configured certificate, read it (auto-renew on),
 * replace the files whose content changed, and run the reload command once
 * per change. A failure of one certificate never touches its files or holds
 * up the others; it is retried with capped exponential backoff.
 */
import { existsSync } from 'node:fs';
import { unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../logging.js';
import { ApiRequestError, TransportError, type VaultClient } from '../vault-client.js';
import type { AgentConfig, CertificateTarget, OutputFile } from './agent-config.js';
import { OUTPUT_FILES } from './agent-config.js';
import type { AppRoleSession } from './approle-login.js';
import { replaceChangedFiles, type DesiredFile } from './atomic-files.js';
import { readCertificateBundle, type CertificateBundle } from './certificate-bundle.js';
import { keyStoreFile } from './key-store-file.js';
import { runReloadCommand } from './reload-command.js';

export type SyncOutcome = { path: string; ok: true; changed: boolean } | { path: string; ok: false; error: string };

interface TargetState {
  target: CertificateTarget;
  failures: number;
  dueAt: number;
}

export class CertificateAgent {
  private readonly states: TargetState[];

  constructor(
    private readonly config: AgentConfig,
    private readonly client: VaultClient,
    private readonly logger: Logger,
    private readonly env: NodeJS.ProcessEnv,
    /** Set when the agent logs in itself (`auth: {method: approle}`); else the client's token is used as is. */
    private readonly session?: AppRoleSession,
  ) {
    this.states = config.certificates.map((target) => ({ target, failures: 0, dueAt: 0 }));
  }

  /** One pass over every certificate (`-once`). */
  async runOnce(): Promise<SyncOutcome[]> {
    const outcomes: SyncOutcome[] = [];
    for (const state of this.states) outcomes.push(await this.sync(state));
    return outcomes;
  }

  /** Runs until `signal` aborts; a certificate being written when it does is finished first. */
  async run(signal: AbortSignal): Promise<void> {
    this.logger.info({ certificates: this.states.length, interval_seconds: this.config.intervalMs / 1000 }, 'agent started');
    while (!signal.aborted) {
      for (const state of this.states) {
        if (signal.aborted) break;
        if (state.dueAt <= Date.now()) await this.sync(state);
      }
      const next = Math.min(...this.states.map((state) => state.dueAt));
      await sleep(Math.max(0, next - Date.now()), undefined, { signal }).catch(() => {});
    }
    this.logger.info('agent stopped');
  }

  private async sync(state: TargetState): Promise<SyncOutcome> {
    const { target } = state;
    try {
      const changed = await this.deploy(state);
      state.failures = 0;
      state.dueAt = Date.now() + this.config.intervalMs;
      return { path: target.path, ok: true, changed };
    } catch (err) {
      state.failures += 1;
      const delayMs = Math.min(this.config.retryMaxMs, this.config.retryInitialMs * 2 ** (state.failures - 1));
      state.dueAt = Date.now() + delayMs;
      const error = err instanceof Error ? err.message : String(err);
      this.logger.error(
        { path: target.path, error, server_unreachable: err instanceof TransportError, failures: state.failures, retry_in_seconds: delayMs / 1000 },
        'certificate not updated; keeping the current files',
      );
      return { path: target.path, ok: false, error };
    }
  }

  /** Returns whether any file changed. Throws when the certificate cannot be deployed or the reload failed. */
  private async deploy({ target }: TargetState): Promise<boolean> {
    const bundle = await this.readBundle(target);
    for (const warning of bundle.warnings) this.logger.warn({ path: target.path, warning }, 'server warning');
    const keyStore = await keyStoreFile(target, bundle, this.env);
    const written = await replaceChangedFiles(desiredFiles(target, bundle, keyStore));
    const facts = { path: target.path, cert_unique_id: bundle.certUniqueId, serial_number: bundle.serialNumber, not_after: bundle.notAfter };
    if (written.length > 0) this.logger.info({ ...facts, files: written }, 'certificate files updated');
    else this.logger.info(facts, 'certificate unchanged');
    if (target.reloadCommand) await this.reloadIfPending(target, target.reloadCommand, written.length > 0);
    return written.length > 0;
  }

  /** With its own login, a refused token (403) is replaced once by a new login before the read counts as failed. */
  private async readBundle(target: CertificateTarget): Promise<CertificateBundle> {
    if (!this.session) return readCertificateBundle(this.client, target);
    await this.session.ensureToken();
    try {
      return await readCertificateBundle(this.client, target);
    } catch (err) {
      if (!(err instanceof ApiRequestError && err.response.status === 403)) throw err;
      this.logger.warn({ path: target.path }, 'the server refused the token; logging in again');
      this.session.discardToken();
      await this.session.ensureToken();
      return readCertificateBundle(this.client, target);
    }
  }

  /**
   * The pending reload is a marker file beside cert.pem, not a flag in memory:
   * a reload that failed is still owed on the next run even though the files
   * no longer change, also for `-once` from cron and across restarts.
   */
  private async reloadIfPending(target: CertificateTarget, command: string, changed: boolean): Promise<void> {
    const marker = join(dirname(target.files.cert), `.${basename(target.files.cert)}.reload-pending`);
    if (changed) await writeFile(marker, `${new Date().toISOString()}\n`);
    else if (!existsSync(marker)) return;
    const outcome = await runReloadCommand(command, this.config.reloadTimeoutMs, this.env);
    if (!outcome.ok) {
      throw new Error(`reload command failed (exit ${outcome.exit})${outcome.output ? `: ${outcome.output}` : ''}; the new files are in place, the reload is retried`);
    }
    await unlink(marker);
    this.logger.info({ path: target.path, command, output: outcome.output || undefined }, 'reload command ran');
  }
}

/** The key is listed first so it is renamed first (see atomic-files.ts); a key store, which holds it too, next. */
function desiredFiles(target: CertificateTarget, bundle: CertificateBundle, keyStore: DesiredFile | undefined): DesiredFile[] {
  const modeOf = (name: OutputFile) => (name === 'key' ? 0o600 : target.fileMode);
  const pems = OUTPUT_FILES.map((name) => ({
    path: target.files[name],
    content: bundle.contents[name],
    mode: modeOf(name),
    owner: target.owner,
  }));
  return keyStore ? [pems[0], keyStore, ...pems.slice(1)] : pems;
}
