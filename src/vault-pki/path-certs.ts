/**
 * Reading what a PKI mount has issued, as Vault's PKI engine serves it:
 * `cert/<serial>` (JSON), `cert/<serial>/raw[/pem]`, LIST `certs`, the CA as
 * `ca` (DER), `ca/pem`, `ca_chain` and `cert/ca_chain`, and `revoke`. Reading
 * certificates and the CA needs no token, as in Vault (mount-table.ts isPublic).
 */
import { UserError } from '../errors.js';
import { definePath } from '../framework/path.js';
import { decodeName, type ParamDecoder } from '../framework/path-matcher.js';
import { revokeCertificate } from '../lifecycle/revoke.js';
import { readCertificateDer } from '../pki/certificate.js';
import { revocationFields, revokedAt, storedCertificateData, vaultSerial } from './answer.js';
import { mountChain, mountConfigs, recordBySerial, type PkiEngineContext } from './context.js';

const SERIAL = /^[0-9A-Fa-f]{1,2}([:-]?[0-9A-Fa-f]{2}){0,63}$/;
/** The names `cert/` takes besides serials, as Vault's does. */
const SPECIAL = new Set(['ca', 'ca_chain']);

/** `:serial` is colon or dash hex (percent-encoded or not: hvac quotes colons), or `ca` / `ca_chain`. */
const decodeSerial: ParamDecoder = (name, raw) => {
  if (name !== 'serial') return decodeName(name, raw);
  let value = raw;
  try {
    value = decodeURIComponent(raw);
  } catch {
    // Not percent-encoding: refused below as not a serial.
  }
  if (SPECIAL.has(value) || SERIAL.test(value)) return value;
  throw new UserError(`serial: "${value.slice(0, 80)}" is not a certificate serial (hex, as 17:67:16:b0 or 17-67-16-b0)`);
};

const joined = (chain: string[]) => chain.map((pem) => `${pem.trim()}\n`).join('');

/** The PEM `cert/<serial>` stands for: a certificate, the issuing CA, or the whole chain. */
async function certificatePem(ctx: PkiEngineContext, serial: string): Promise<{ pem: string; data: Record<string, unknown> }> {
  if (serial === 'ca' || serial === 'ca_chain') {
    const chain = await mountChain(ctx);
    const pem = serial === 'ca' ? chain[0]! : joined(chain);
    return { pem, data: { certificate: pem, ca_chain: chain, ...revocationFields(undefined) } };
  }
  const record = await recordBySerial(ctx, serial);
  return { pem: record.leaf_certificate, data: storedCertificateData(record) };
}

export const certPath = definePath<PkiEngineContext>({
  pattern: 'cert/:serial',
  synopsis: 'A certificate of this mount by serial (no token needed)',
  help: 'Serials as `17:67:16:b0:…` or `17-67-16-b0-…`. `cert/ca` is the issuing CA, `cert/ca_chain` the chain. Answers `certificate`, `revocation_time`, `revocation_time_rfc3339`.',
  fields: {},
  decodeParam: decodeSerial,
  operations: { read: async ({ params }, ctx) => ({ data: (await certificatePem(ctx, params.serial)).data }) },
});

export const certRawPemPath = definePath<PkiEngineContext>({
  pattern: 'cert/:serial/raw/pem',
  synopsis: 'A certificate of this mount as PEM text (no token needed)',
  help: 'The PEM alone, `application/pem-certificate-chain`, for curl.',
  fields: {},
  decodeParam: decodeSerial,
  operations: {
    read: async ({ params }, ctx) => ({ verbatim: { status: 200, contentType: 'application/pem-certificate-chain', body: (await certificatePem(ctx, params.serial)).pem } }),
  },
});

export const certRawPath = definePath<PkiEngineContext>({
  pattern: 'cert/:serial/raw',
  synopsis: 'A certificate of this mount as DER (no token needed)',
  help: 'The DER bytes, `application/pkix-cert`.',
  fields: {},
  decodeParam: decodeSerial,
  operations: {
    read: async ({ params }, ctx) => ({
      verbatim: { status: 200, contentType: 'application/pkix-cert', body: Buffer.from(readCertificateDer((await certificatePem(ctx, params.serial)).pem)) },
    }),
  },
});

export const certListPath = definePath<PkiEngineContext>({
  pattern: 'certs',
  synopsis: 'LIST the serials of the certificates this mount\'s roles have issued',
  help: 'Serials in Vault\'s form (`17:67:16:b0:…`), of every issued certificate of the config entries the mount\'s roles order with.',
  fields: {},
  operations: {
    list: async (_req, ctx) => {
      const configs = new Set(await mountConfigs(ctx));
      const keys: string[] = [];
      for await (const entry of ctx.lifecycle.records.serials()) if (configs.has(entry.config)) keys.push(vaultSerial(entry.serial));
      return { data: { keys } };
    },
  },
});

export const caDerPath = definePath<PkiEngineContext>({
  pattern: 'ca',
  synopsis: 'The issuing CA as DER (no token needed)',
  help: 'The issuing CA of the SCM chain that came with this mount\'s certificates, `application/pkix-cert`.',
  fields: {},
  operations: {
    read: async (_req, ctx) => ({ verbatim: { status: 200, contentType: 'application/pkix-cert', body: Buffer.from(readCertificateDer((await mountChain(ctx))[0]!)) } }),
  },
});

export const caPemPath = definePath<PkiEngineContext>({
  pattern: 'ca/pem',
  synopsis: 'The issuing CA as PEM (no token needed)',
  help: 'The issuing CA of the SCM chain that came with this mount\'s certificates.',
  fields: {},
  operations: {
    read: async (_req, ctx) => ({ verbatim: { status: 200, contentType: 'application/pem-certificate-chain', body: (await mountChain(ctx))[0]! } }),
  },
});

export const caChainPath = definePath<PkiEngineContext>({
  pattern: 'ca_chain',
  synopsis: 'The CA chain as PEM, issuer first (no token needed)',
  help: 'The SCM chain that came with this mount\'s certificates: the issuing CA first, up to the root.',
  fields: {},
  operations: {
    read: async (_req, ctx) => ({ verbatim: { status: 200, contentType: 'application/pem-certificate-chain', body: joined(await mountChain(ctx)) } }),
  },
});

export const revokePath = definePath<PkiEngineContext>({
  pattern: 'revoke',
  synopsis: 'Revoke a certificate of this mount at SCM by serial',
  help: 'Revokes at SCM (reason: unspecified) and marks the record Revoked. Answers `revocation_time`, `revocation_time_rfc3339`, `state`.',
  fields: { serial_number: { type: 'string', maxLength: 200, description: 'Serial of the certificate, colon or dash hex' } },
  required: ['serial_number'],
  operations: {
    update: async ({ data }, ctx) => {
      const found = await recordBySerial(ctx, String(data.serial_number));
      const { record } = await revokeCertificate(ctx.lifecycle, found.config_name, found.cert_unique_id);
      return { data: { ...revocationFields(revokedAt(record) ?? new Date().toISOString()), state: 'revoked' } };
    },
  },
});
