/**
 * One certificate as the agent puts it on disk, read from the server with
 * auto-renew on. Everything is checked here, before any file is touched: a
 * record that is not issued, has no key, or whose certificate does not belong
 * to its key is an error and the old files stay.
 */
import { certificateMatchesKey } from '../../pki/index.js';
import { secretFromResponse, type VaultClient } from '../vault-client.js';
import type { CertificateTarget, OutputFile } from './agent-config.js';

export interface CertificateBundle {
  /** The id of the record read; differs from the configured one once it was renewed. */
  certUniqueId: string;
  serialNumber: string;
  notAfter: string;
  contents: Record<OutputFile, string>;
  warnings: string[];
}

/** The server answered, but with nothing the agent may write. */
export class UnusableCertificateError extends Error {
  override name = 'UnusableCertificateError';
}

export async function readCertificateBundle(client: VaultClient, target: CertificateTarget): Promise<CertificateBundle> {
  const query = new URLSearchParams({ sectigo_auto_renew: 'true' });
  if (target.expiryWindowDays !== undefined) query.set('sectigo_expiry_window', String(target.expiryWindowDays));
  if (target.collectTimeoutSeconds !== undefined) query.set('sectigo_max_timeout', String(target.collectTimeoutSeconds));
  const secret = secretFromResponse(await client.request('GET', target.path, { query }), false);
  const record = secret?.data;
  if (!record) throw new UnusableCertificateError(`${target.path}: the server returned no data`);

  const status = Array.isArray(record.state) ? (record.state.at(-1) as { status?: unknown } | undefined)?.status : undefined;
  if (status !== 'Issued') {
    throw new UnusableCertificateError(`${target.path}: certificate is not issued (status ${String(status ?? 'unknown')}); keeping the current files`);
  }
  const leaf = pemText(record.leaf_certificate);
  const key = pemText(record.private_key);
  const chain = Array.isArray(record.ca_chain) ? record.ca_chain.map(pemText).filter(Boolean) : [];
  if (!leaf) throw new UnusableCertificateError(`${target.path}: record has no leaf_certificate`);
  if (!key) {
    throw new UnusableCertificateError(`${target.path}: record has no private_key (enrolled from a CSR or fetched without its key); the agent can only deploy certificates whose key the server holds`);
  }
  let matches: boolean;
  try {
    matches = certificateMatchesKey(leaf, key, { certificate: 'leaf_certificate', privateKey: 'private_key' });
  } catch (err) {
    throw new UnusableCertificateError(`${target.path}: ${(err as Error).message}`);
  }
  if (!matches) throw new UnusableCertificateError(`${target.path}: leaf_certificate does not match private_key; keeping the current files`);

  return {
    certUniqueId: String(record.cert_unique_id ?? ''),
    serialNumber: String(record.serial_number ?? ''),
    notAfter: String(record.not_after ?? ''),
    contents: {
      cert: leaf,
      key,
      chain: chain.join(''),
      fullchain: [leaf, ...chain].join(''),
    },
    warnings: secret?.warnings ?? [],
  };
}

/** PEM text ending in exactly one newline, so concatenations stay well formed; '' for anything else. */
function pemText(value: unknown): string {
  return typeof value === 'string' && value.trim() ? `${value.trim()}\n` : '';
}
