import type { X509Certificate } from 'node:crypto';
import { UserError } from '../errors.js';
import { decodedCertificate } from './decoded-certificates.js';
import { findPemBlocks, toPem } from './pem-text.js';

/** Every CERTIFICATE block in `text`, in order, as canonical PEM; text between blocks is ignored. */
export function splitPemChain(text: string): string[] {
  return findPemBlocks(text)
    .filter((block) => block.label === 'CERTIFICATE')
    .map((block) => toPem('CERTIFICATE', block.der));
}

export interface OrderedChain {
  leaf: string;
  /** Issuer of the leaf first, then its issuer, …, the root last if present. */
  chain: string[];
}

interface Node {
  pem: string;
  cert: X509Certificate;
}

// Names alone can match two different CAs (a re-keyed intermediate keeps its
// name), so a link also needs the signature to verify with the issuer's key.
function issued(issuer: Node, child: Node): boolean {
  if (issuer === child || !child.cert.checkIssued(issuer.cert)) return false;
  try {
    return child.cert.verify(issuer.cert.publicKey);
  } catch {
    return false; // a key type OpenSSL cannot verify with cannot be the issuer we link to
  }
}

/**
 * Orders certificates by issuer/subject links, whatever order SCM's format
 * (or a user's bundle) put them in. The leaf is the certificate that issued
 * none of the others; if several qualify, a non-CA one wins, then the first
 * given. Certificates that do not link into the leaf's path are appended after
 * it in input order rather than dropped, so nothing SCM sent is lost.
 */
export function orderChain(certs: readonly string[], field = 'certificate'): OrderedChain {
  const nodes = dedupe(certs.map((pem, index) => toNode(pem, `${field}[${index}]`)));
  if (nodes.length === 0) throw new UserError(`${field}: no certificates found`);
  const notIssuers = nodes.filter((candidate) => !nodes.some((other) => issued(candidate, other)));
  const pool = notIssuers.length > 0 ? notIssuers : nodes;
  const leaf = pool.find((node) => !node.cert.ca) ?? pool[0];

  const path: Node[] = [];
  const used = new Set<Node>([leaf]);
  for (let current = leaf; ; ) {
    const issuer = nodes.find((node) => !used.has(node) && issued(node, current));
    if (!issuer) break;
    path.push(issuer);
    used.add(issuer);
    current = issuer;
  }
  const rest = nodes.filter((node) => !used.has(node));
  return { leaf: leaf.pem, chain: [...path, ...rest].map((node) => node.pem) };
}

function toNode(pem: string, field: string): Node {
  const [canonical] = splitPemChain(pem);
  if (!canonical) throw new UserError(`${field}: not a PEM certificate`);
  try {
    return { pem: canonical, cert: decodedCertificate(canonical) };
  } catch {
    throw new UserError(`${field}: the PEM certificate could not be decoded (damaged or truncated?)`);
  }
}

function dedupe(nodes: Node[]): Node[] {
  const seen = new Set<string>();
  return nodes.filter((node) => !seen.has(node.cert.fingerprint256) && seen.add(node.cert.fingerprint256));
}
