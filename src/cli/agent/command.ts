/**
 * `scmpki agent -config agent.json [-once]`: keeps certificate files on disk
 * fresh for services that know nothing about scmpki. Logs are pino JSON lines
 * on stdout, like the server's; in -once mode each failure is also one plain
 * line on stderr, which is what cron mails and what a person reads first.
 */
import type { DestinationStream } from 'pino';
import { createLogger } from '../../logging.js';
import { resolveClientConfig } from '../client-config.js';
import type { Terminal } from '../command-context.js';
import { parseGoFlags } from '../go-flags.js';
import { LocalError } from '../local-error.js';
import { VaultClient } from '../vault-client.js';
import { loadAgentConfig } from './agent-config.js';
import { AppRoleSession } from './approle-login.js';
import { CertificateAgent } from './certificate-agent.js';

const USAGE = `Usage: scmpki agent -config=FILE [-once] [-log-level=LEVEL]

  Keeps certificate files (cert.pem, key.pem, chain.pem, fullchain.pem) fresh:
  for each certificate in the config file it reads the certificate from the
  server with auto-renew on, replaces the files atomically when their content
  changed and runs the reload command. See docs/agent.md.

  -config=FILE      Agent configuration, JSON (or YAML for .yaml/.yml). Required.
  -once             Run one cycle and exit: 0 when every certificate is in place,
                    2 when any failed (the reason is printed on stderr).
  -log-level=LEVEL  pino level: debug, info (default), warn, error.

  The server address and token come from the config file, else VAULT_ADDR,
  VAULT_TOKEN or ~/.vault-token, as for every other command. With
  "auth": {"method": "approle", ...} in the config the agent logs in itself.
`;

const AGENT_CLIENT_TIMEOUT_SECONDS = 120;

const FLAGS = { string: ['config', 'log-level'], boolean: ['once', 'h', 'help'] };

export async function agentCommand(argv: string[], term: Terminal): Promise<number> {
  const { flags, positionals } = parseGoFlags(argv, FLAGS);
  if (flags.h || flags.help) {
    term.stdout.write(USAGE);
    return 0;
  }
  const unknown = Object.keys(flags).find((name) => ![...FLAGS.string, ...FLAGS.boolean].includes(name));
  if (unknown) throw new LocalError(`flag provided but not defined: -${unknown}\n\n${USAGE}`);
  if (positionals.length > 0) throw new LocalError(`unexpected argument "${positionals[0]}"\n\n${USAGE}`);
  if (typeof flags.config !== 'string' || flags.config === '') throw new LocalError(`-config is required\n\n${USAGE}`);

  const config = await loadAgentConfig(flags.config);
  const clientConfig = await resolveClientConfig(
    { address: config.vaultAddr, 'ca-cert': config.caCertFile, 'tls-skip-verify': config.tlsSkipVerify },
    term.env,
  );
  if (config.token) clientConfig.token = config.token;
  // Its own login: no token from the environment is used, even before the first login.
  if (config.approle) clientConfig.token = undefined;
  // A read that renews waits for SCM to issue, up to the server's request deadline (90 s by
  // default); the CLI's 60 s client timeout would give up on a renewal that is about to succeed.
  if (!term.env.VAULT_CLIENT_TIMEOUT) clientConfig.timeoutSeconds = AGENT_CLIENT_TIMEOUT_SECONDS;
  const logger = createLogger({
    level: typeof flags['log-level'] === 'string' ? flags['log-level'] : 'info',
    destination: term.stdout as DestinationStream,
  });
  const client = new VaultClient(clientConfig);
  const session = config.approle && new AppRoleSession(config.approle, client, logger);
  const agent = new CertificateAgent(config, client, logger, term.env, session);

  if (flags.once) {
    const failures = (await agent.runOnce()).filter((outcome) => !outcome.ok);
    for (const failure of failures) term.stderr.write(`scmpki agent: ${failure.path}: ${failure.error}\n`);
    return failures.length > 0 ? 2 : 0;
  }

  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal means "now": the first lets a certificate being written finish.
    if (stop.signal.aborted) process.exit(130);
    logger.info({ signal }, 'stopping');
    stop.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    await agent.run(stop.signal);
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
  return 0;
}
