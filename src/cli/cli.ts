/**
 * The `scmpki` command table. Every command is imported when it is asked for,
 * so `scmpki read` does not load the server and `scmpki server` does not load
 * the client's output formats: start-up time is part of what users measure.
 */
import { readFileSync } from 'node:fs';
import type { Terminal } from './command-context.js';
import { LocalError } from './local-error.js';

type Command = (argv: string[], term: Terminal) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  read: async (argv, term) => (await import('./commands/read.js')).readCommand(argv, term),
  write: async (argv, term) => (await import('./commands/write.js')).writeCommand(argv, term),
  list: async (argv, term) => (await import('./commands/list.js')).listCommand(argv, term),
  delete: async (argv, term) => (await import('./commands/delete.js')).deleteCommand(argv, term),
  status: async (argv, term) => (await import('./commands/status.js')).statusCommand(argv, term),
  login: async (argv, term) => (await import('./commands/login.js')).loginCommand(argv, term),
  'token create': async (argv, term) => (await import('./commands/token-create.js')).tokenCreateCommand(argv, term),
  'policy write': async (argv, term) => (await import('./commands/policy-write.js')).policyWriteCommand(argv, term),
  report: async (argv, term) => (await import('./commands/report.js')).reportCommand(argv, term),
  import: async (argv, term) => (await import('./commands/import.js')).importCommand(argv, term),
  agent: async (argv, term) => (await import('./agent/command.js')).agentCommand(argv, term),
  'operator init': async (argv, term) => (await import('./commands/operator-init.js')).operatorInitCommand(argv, term),
  'operator generate-root': async (argv, term) => (await import('./commands/operator-generate-root.js')).operatorGenerateRootCommand(argv, term),
  'operator restore': async (argv, term) => (await import('./commands/operator-restore.js')).operatorRestoreCommand(argv, term),
  'operator rotate': async (argv, term) => (await import('./commands/operator-rotate.js')).operatorRotateCommand(argv, term),
  'operator key-status': async (argv, term) => (await import('./commands/operator-rotate.js')).operatorKeyStatusCommand(argv, term),
  'operator backup': async (argv, term) => (await import('./commands/operator-backup.js')).operatorBackupCommand(argv, term),
  'operator migrate-storage': async (argv, term) => (await import('./commands/operator-migrate-storage.js')).operatorMigrateStorageCommand(argv, term),
};

/** Long-running services, imported on demand. */
const SERVICES: Record<string, () => Promise<Command>> = {
  server: async () => (await import('../server/command.js')).runServerCommand,
  'scm-simulator': async () => (await import('./commands/scm-simulator.js')).runSimulatorCommand,
};

const USAGE = `Usage: scmpki <command> [args]

A certificate server speaking Vault's HTTP API, issuing from Sectigo Certificate Manager,
and a vault-style client for it.

Client commands (VAULT_ADDR, VAULT_TOKEN or ~/.vault-token):
    read            Read data at a path (e.g. a certificate or a config entry)
    write           Write data to a path (enroll, configs, revoke, ...)
    list            List keys at a path
    delete          Delete the entry at a path
    status          Print seal status and health
    login           Check a token and store it in ~/.vault-token
    token create    Create a token with policies
    policy write    Upload an ACL policy
    report expiring Certificates of every config expiring soon (table, json or csv)
    import          Import the certificates SCM holds for a config (inventory sync)
    operator rotate       Rotate the key that seals stored values (sys/rotate)
    operator key-status   Print the active key term and the re-encryption's progress
    operator backup       Save a snapshot of the running server's store to a file

Operator commands (on the server's data directory, -config like the server):
    operator init           Initialise a new data directory and print its root token
    operator generate-root  Make a new root token for a stopped server, with its seal key
    operator restore        Restore a snapshot into an empty data directory
    operator migrate-storage  Move a stopped server's store to another backend (LevelDB, PostgreSQL)

Services:
    server          Run the server (-dev: a ready-to-try server with a simulated SCM)
    agent           Keep certificate files on disk fresh and reload services (docs/agent.md)
    scm-simulator   Run the Sectigo Certificate Manager simulator

Other commands:
    version         Print the version
    help            Print this text

Run "scmpki <command> -h" for a command's options. See docs/cli.md.
`;

function version(): string {
  // Two levels up from both src/cli/cli.ts and dist/cli/cli.js.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Every command name, one- and two-word (`token create`), services included. */
export const COMMAND_NAMES: readonly string[] = [...Object.keys(COMMANDS), ...Object.keys(SERVICES)];

export async function runCli(argv: string[], term: Terminal): Promise<number> {
  const [first = 'help', second, ...rest] = argv;
  if (['help', '-h', '-help', '--help'].includes(first)) {
    term.stdout.write(USAGE);
    return 0;
  }
  if (['version', '-v', '-version', '--version'].includes(first)) {
    term.stdout.write(`scmpki v${version()}\n`);
    return 0;
  }
  const service = SERVICES[first];
  if (service) return (await service())(argv.slice(1), term);
  const twoWord = second !== undefined ? COMMANDS[`${first} ${second}`] : undefined;
  const command = twoWord ?? COMMANDS[first];
  if (!command) {
    term.stderr.write(`Unknown command: ${[first, second].filter(Boolean).join(' ')}\n\n${USAGE}`);
    return 1;
  }
  const args = twoWord ? rest : argv.slice(1);
  try {
    return await command(args, term);
  } catch (err) {
    term.stderr.write(err instanceof LocalError ? `${err.message}\n` : `Error: ${(err as Error).message ?? err}\n`);
    return 1;
  }
}

