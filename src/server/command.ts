/**
 * `scmpki server [-config F] [-log-level L] [-root-token-file F] [-dev] [-dev-root-token-id=ID]
 * [-dev-listen-address=127.0.0.1:8200] [-dev-scm-address=127.0.0.1:8201]
 * [-dev-data-dir=DIR]`: runs until SIGINT/SIGTERM, then closes the listener
 * and the database. Resolves with the process exit code.
 */
import type { Terminal } from '../cli/command-context.js';
import { parseGoFlags } from '../cli/go-flags.js';
import { createLogger, type Logger } from '../logging.js';
import { rootTokenAnnouncer } from './root-token-announcement.js';
import { loadSettings, resolveSettings, type ServerSettings } from './settings.js';
import { startServer, type RunningServer } from './start.js';

const USAGE = `Usage: scmpki server [-config=scmpki.json] | -dev [dev options]

  Runs the scmpki server. Settings come from the JSON config file and SCMPKI_*
  environment variables (docs/configuration.md).

  -config=FILE                       JSON config file
  -log-level=LEVEL                   trace, debug, info, warn or error; overrides log_level
                                     (change it at run time with sys/loggers)
  -root-token-file=FILE              At the first start, also write the root token to FILE (mode 0600)
  -dev                               In-memory-style dev server with the SCM simulator
  -dev-root-token-id=ID              Fixed root token in dev mode
  -dev-listen-address=127.0.0.1:8200 Dev server address
  -dev-scm-address=127.0.0.1:8201    Dev SCM simulator address
  -dev-data-dir=DIR                  Keep dev data in DIR (default: temporary, removed on exit)
`;

/**
 * SIGHUP reopens the audit files (after logrotate moved them), as Vault does;
 * it no longer ends the process. Returns the uninstaller.
 */
function reopenAuditFilesOnSighup(server: RunningServer, logger: Logger): () => void {
  const onHangup = () => {
    logger.info({ signal: 'SIGHUP' }, 'reopening audit files');
    void server.reopenAuditFiles();
  };
  process.on('SIGHUP', onHangup);
  return () => process.off('SIGHUP', onHangup);
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
}

function devBanner(url: string, token: string | undefined, scmUrl: string, orgId: number, dataDir: string, kept: boolean): string {
  const tokenLine = token ?? '(created at the first start of this data dir; use -dev-root-token-id to fix one)';
  return `
==> scmpki dev server started. Do not run dev mode in production.

    Address:        ${url}
    Root token:     ${tokenLine}
    SCM simulator:  ${scmUrl}  (login/password/customerUri demo/demo/demo, org ${orgId})
    Configs:        demo (ssl_cert), demo-client (client_cert)
    Data dir:       ${dataDir}${kept ? '' : '  (temporary, removed on exit)'}

Try:

    export VAULT_ADDR='${url}'
    export VAULT_TOKEN='${token ?? '<root token>'}'
    scmpki list sectigo-vault-pki/configs
    scmpki write sectigo-vault-pki/enroll/demo sectigo_csr_domain=www.example.com
    scmpki list sectigo-vault-pki/certs/demo

`;
}

/** `-log-level` over the settings' level; checked as the setting is. */
function withLogLevelFlag(settings: ServerSettings, flag: unknown): ServerSettings {
  return flag === undefined ? settings : resolveSettings([{ ...settings }, { log_level: String(flag) }]);
}

export async function runServerCommand(argv: string[], term: Terminal): Promise<number> {
  const { flags, positionals } = parseGoFlags(argv, {
    string: ['config', 'log-level', 'root-token-file', 'dev-root-token-id', 'dev-listen-address', 'dev-scm-address', 'dev-data-dir'],
    boolean: ['dev', 'h', 'help'],
    default: { 'dev-listen-address': '127.0.0.1:8200', 'dev-scm-address': '127.0.0.1:8201' },
  });
  if (flags.h || flags.help) {
    term.stdout.write(USAGE);
    return 0;
  }
  try {
    if (positionals.length > 0) throw new Error(`unexpected arguments: ${positionals.join(' ')}`);
    const known = new Set(['config', 'log-level', 'root-token-file', 'dev', 'h', 'help', 'dev-root-token-id', 'dev-listen-address', 'dev-scm-address', 'dev-data-dir']);
    const unknown = Object.keys(flags).filter((name) => !known.has(name));
    if (unknown.length > 0) throw new Error(`flag provided but not defined: -${unknown[0]}\n\n${USAGE}`);

    if (flags.dev) {
      const level = flags['log-level'] === undefined ? (process.env.SCMPKI_LOG_LEVEL ?? 'info') : withLogLevelFlag(resolveSettings([]), flags['log-level']).log_level;
      const logger = createLogger({ level });
      // The simulator and its CA are loaded only for -dev.
      const { startDevServer } = await import('./dev-mode.js');
      const dev = await startDevServer({
        listenAddress: String(flags['dev-listen-address']),
        scmAddress: String(flags['dev-scm-address']),
        rootTokenId: flags['dev-root-token-id'] === undefined ? undefined : String(flags['dev-root-token-id']),
        dataDir: flags['dev-data-dir'] === undefined ? undefined : String(flags['dev-data-dir']),
        logger,
      });
      process.stdout.write(devBanner(dev.server.url, dev.server.rootToken, dev.scmUrl, dev.orgId, dev.dataDir, dev.kept));
      const stopReopening = reopenAuditFilesOnSighup(dev.server, logger);
      logger.info({ signal: await waitForSignal() }, 'shutting down');
      stopReopening();
      await dev.close();
      return 0;
    }

    const settings = withLogLevelFlag(await loadSettings(flags.config === undefined ? undefined : String(flags.config)), flags['log-level']);
    const logger = createLogger({ level: settings.log_level });
    const tokenFile = flags['root-token-file'] === undefined ? undefined : String(flags['root-token-file']);
    const server = await startServer(settings, { logger, announceRootToken: rootTokenAnnouncer(process.stdout, tokenFile) });
    process.stdout.write(`scmpki listening on ${server.url}${server.sealed ? ' (SEALED: the seal key does not open the storage)' : ''}\n`);
    const stopReopening = reopenAuditFilesOnSighup(server, logger);
    logger.info({ signal: await waitForSignal() }, 'shutting down');
    stopReopening();
    await server.close();
    return 0;
  } catch (err) {
    process.stderr.write(`Error: ${(err as Error).message}\n`);
    return 1;
  }
}
