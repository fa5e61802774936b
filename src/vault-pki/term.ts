/**
 * Vault asks for a lifetime (`ttl`); SCM sells fixed terms, listed in the
 * certificate profile. A ttl becomes the shortest term at least as long, so
 * the certificate never ends before the caller asked, and a ttl no term can
 * meet (or one whose term passes the role's max_ttl) is refused before
 * anything is ordered.
 */
import { UserError } from '../errors.js';
import type { ConfigEntry } from '../lifecycle/config-store.js';
import { downloadProfile } from '../lifecycle/profiles.js';
import type { Deps } from '../lifecycle/services.js';
import type { PkiRole } from './role.js';

const DAY_S = 86_400;

export interface ChosenTerm {
  /** Days; undefined: the config entry's own term. */
  days: number | undefined;
  warnings: string[];
}

function describeSeconds(seconds: number): string {
  const days = seconds / DAY_S;
  return Number.isInteger(days) ? `${seconds}s (${days} days)` : `${seconds}s (${days.toFixed(2)} days)`;
}

/** The SCM term for a request's ttl (seconds, 0 = the role's ttl, or else the config entry's term). */
export async function termForTtl(
  deps: Deps<'configs' | 'profiles' | 'scm'>,
  config: ConfigEntry,
  role: PkiRole,
  requestedTtl: number,
): Promise<ChosenTerm> {
  const warnings: string[] = [];
  let ttl = requestedTtl || role.ttl;
  if (ttl === 0) return { days: undefined, warnings };
  if (role.max_ttl > 0 && ttl > role.max_ttl) {
    // Vault caps rather than refuses, and says so.
    warnings.push(`TTL "${ttl}s" is longer than permitted maxTTL "${role.max_ttl}s", so maxTTL is being used`);
    ttl = role.max_ttl;
  }
  const typeId = Number(config.enroll_defaults.sectigo_ssl_cert_type);
  if (!Number.isInteger(typeId) || typeId < 1) {
    throw new UserError(`ttl: config "${config.name}" has no sectigo_ssl_cert_type, so there is no SCM profile whose terms a ttl could map onto`);
  }
  const profile = (await deps.profiles.get(config.name, typeId)) ?? (await downloadProfile(deps, config.name, typeId));
  const terms = [...(profile.terms ?? [])].map(Number).sort((a, b) => a - b);
  if (terms.length === 0) return { days: undefined, warnings };
  const term = terms.find((days) => days * DAY_S >= ttl);
  const listed = terms.map((days) => `${days}`).join(', ');
  if (term === undefined) {
    throw new UserError(`ttl: ${describeSeconds(ttl)} is longer than every term of SCM profile ${typeId} (terms: ${listed} days)`);
  }
  if (role.max_ttl > 0 && term * DAY_S > role.max_ttl) {
    throw new UserError(
      `ttl: the shortest SCM term of profile ${typeId} that covers ${describeSeconds(ttl)} is ${term} days, longer than the role's max_ttl ${describeSeconds(role.max_ttl)} (terms: ${listed} days)`,
    );
  }
  return { days: term, warnings };
}
