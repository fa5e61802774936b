/**
 * What every path of one PKI mount receives: its mount path, its roles and
 * the lifecycle services. The certificates a mount shows (cert/<serial>,
 * certs, ca, revoke) are those of the config entries its roles order with.
 */
import { NotFoundError } from '../errors.js';
import type { CertificateRecord } from '../lifecycle/record.js';
import type { LifecycleServices } from '../lifecycle/services.js';
import { vaultSerial } from './answer.js';
import type { RoleStore } from './role.js';

export interface PkiEngineContext {
  /** Without slashes: `pki`, `pki_int`. */
  mount: string;
  roles: RoleStore;
  lifecycle: LifecycleServices;
}

/** The config entries this mount's roles use, in role-name order, each once. */
export async function mountConfigs(ctx: PkiEngineContext): Promise<string[]> {
  const configs: string[] = [];
  for (const name of await ctx.roles.list(ctx.mount)) {
    const role = await ctx.roles.get(ctx.mount, name);
    if (role && !configs.includes(role.config)) configs.push(role.config);
  }
  return configs;
}

/** The issued record with this serial, if one of the mount's configs holds it; Vault's 404 words otherwise. */
export async function recordBySerial(ctx: PkiEngineContext, serial: string): Promise<CertificateRecord> {
  const record = await ctx.lifecycle.records.bySerial(serial);
  if (!record || vaultSerial(record.serial_number) !== vaultSerial(serial) || !(await mountConfigs(ctx)).includes(record.config_name)) {
    throw new NotFoundError(`certificate with serial ${serial} not found`);
  }
  return record;
}

/**
 * The mount's CA chain (issuer first): SCM hands its chain out with each
 * certificate, so this is the chain stored with an issued certificate of the
 * first role's config that has one.
 */
export async function mountChain(ctx: PkiEngineContext): Promise<string[]> {
  for (const config of await mountConfigs(ctx)) {
    for await (const summaries of ctx.lifecycle.records.summaries(config)) {
      for (const [id, summary] of summaries) {
        if (!summary.includes('"status":"Issued"')) continue;
        const record = await ctx.lifecycle.records.get(config, id);
        if (record && record.ca_chain.length > 0) return record.ca_chain;
      }
    }
  }
  throw new NotFoundError(`no CA chain yet: SCM hands out its chain with a certificate, and no role of ${ctx.mount}/ has one issued`);
}
