import { createClient, parseCommand, requirePositionals, type CommandSpec, type Terminal } from '../command-context.js';
import { formatGoValue, formatTable } from '../go-format.js';
import { renderStructured } from '../secret-output.js';
import { ApiRequestError, isSuccess, parseSecret, TransportError, type VaultClient } from '../vault-client.js';

const spec: CommandSpec = {
  usage: `
Usage: scmpki status [options]

  Prints the server's seal status and health. Exit code 0 when unsealed,
  2 when sealed, 1 when the server cannot be reached or answers with an error.

Options: -format=table|json|yaml  -address=URL  -ca-cert=FILE  -tls-skip-verify
`,
};

/** Vault's row labels for the seal-status fields, in its order. */
const ROWS: [string, string][] = [
  ['Seal Type', 'type'],
  ['Initialized', 'initialized'],
  ['Sealed', 'sealed'],
  ['Total Shares', 'n'],
  ['Threshold', 't'],
  ['Version', 'version'],
  ['Build Date', 'build_date'],
  ['Storage Type', 'storage_type'],
  ['Cluster Name', 'cluster_name'],
  ['Cluster ID', 'cluster_id'],
  ['Server Time', 'server_time_utc'],
  ['HA Enabled', 'ha_enabled'],
  ['HA Mode', 'ha_mode'],
  ['Active Node Address', 'active_node_address'],
];

export async function statusCommand(argv: string[], term: Terminal): Promise<number> {
  const parsed = parseCommand(argv, spec, term);
  if (!parsed) return 0;
  requirePositionals(parsed, 0, 0, spec);
  const client = await createClient(parsed, term.env);
  let status: Record<string, unknown>;
  try {
    status = await fetchStatus(client);
  } catch (err) {
    if (!(err instanceof ApiRequestError || err instanceof TransportError)) throw err;
    term.stderr.write(`Error checking seal status: ${err.message}\n`);
    return 1;
  }
  if (parsed.format === 'table') {
    const rows = ROWS.filter(([, key]) => status[key] !== undefined).map(([label, key]) => [label, formatGoValue(status[key])]);
    term.stdout.write(`${formatTable(['Key', 'Value'], rows)}\n`);
  } else {
    term.stdout.write(renderStructured(status, parsed.format));
  }
  return status.sealed === true ? 2 : 0;
}

/**
 * seal-status, completed from sys/health (server time) and sys/leader (HA,
 * as `vault status` shows it). Health answers 503 when sealed and 429 on a
 * standby: those bodies are still the status.
 */
async function fetchStatus(client: VaultClient): Promise<Record<string, unknown>> {
  const sealResponse = await client.request('GET', 'sys/seal-status');
  if (!isSuccess(sealResponse)) throw new ApiRequestError(sealResponse);
  const seal = (parseSecret(sealResponse) ?? {}) as Record<string, unknown>;
  const healthResponse = await client.request('GET', 'sys/health');
  let health: Record<string, unknown> = {};
  try {
    health = (parseSecret(healthResponse) ?? {}) as Record<string, unknown>;
  } catch {
    // A health body that is not JSON adds nothing; seal-status alone answers the question.
  }
  const leaderResponse = await client.request('GET', 'sys/leader');
  const leader = (isSuccess(leaderResponse) ? (parseSecret(leaderResponse) ?? {}) : {}) as Record<string, unknown>;
  const ha = leader.ha_enabled === true;
  return {
    ...seal,
    ...(typeof health.server_time_utc === 'number' ? { server_time_utc: new Date(health.server_time_utc * 1000).toISOString() } : {}),
    ha_enabled: ha,
    ...(ha && { ha_mode: leader.is_self === true ? 'active' : 'standby', active_node_address: leader.leader_address }),
  };
}
