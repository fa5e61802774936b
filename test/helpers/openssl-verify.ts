import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openssl } from './openssl.js';

export interface CaChain {
  /** The one trust anchor (-CAfile). */
  root: string;
  /** The certificate(s) between root and leaf (-untrusted): trusted only through the root. */
  intermediate: string;
}

/**
 * `openssl verify` of a leaf against `chain`, e.g. a simulator's
 * `caChainPem`. The PEMs go to a fresh temp dir, removed afterwards, and
 * openssl runs there so its verdict names the leaf by `leafName` alone
 * ("leaf.pem: OK"), never by a temp path. A failed verification does not
 * throw: `code` is openssl's exit status, `output` what it printed.
 */
export async function opensslVerify(chain: CaChain, leafPem: string, leafName = 'leaf.pem'): Promise<{ code: number; output: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'scmpki-verify-'));
  try {
    await writeFile(join(dir, 'root.pem'), chain.root);
    await writeFile(join(dir, 'intermediate.pem'), chain.intermediate);
    await writeFile(join(dir, leafName), leafPem);
    const { code, stdout, stderr } = await openssl(['verify', '-CAfile', 'root.pem', '-untrusted', 'intermediate.pem', leafName], '', { cwd: dir });
    return { code, output: `${stdout}${stderr}`.trim() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
