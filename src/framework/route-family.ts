/**
 * A request's path family, the label metrics count it under: its mount (or
 * the mount's familyPrefix) and the first segment of the path pattern it
 * reaches — `certs`, `enroll`, `sys/health`, `auth/token/lookup-self`,
 * `sys/policies/acl`. Worked out from the path alone, before routing, so a
 * request refused by authentication is counted under its family too. Only
 * segments the mount's patterns name become labels: anything else is
 * `unmatched`, so a client inventing paths cannot grow the label set.
 */
import type { MountOptions } from './router.js';

export const UNMATCHED_FAMILY = 'unmatched';

interface MountFamilies {
  mount: string;
  prefix: string;
  /** First segments of the mount's patterns. */
  segments: Set<string>;
  /** A pattern that starts with a parameter or is empty: the mount itself is the family. */
  catchAll: boolean;
}

/** `vaultPath` is undefined for a request refused before its path was read (not under /v1/). */
export function routeFamilies(mounts: ReadonlyArray<MountOptions<unknown>>): (vaultPath: string | undefined) => string {
  const table: MountFamilies[] = mounts
    .map((mount) => {
      const firsts = mount.definitions.map((def) => def.pattern.split('/')[0]!);
      return {
        mount: mount.mount,
        prefix: mount.familyPrefix ?? mount.mount,
        segments: new Set(firsts.filter((first) => first !== '' && !first.startsWith(':'))),
        catchAll: firsts.some((first) => first === '' || first.startsWith(':')),
      };
    })
    // Nested mounts (sys/policies inside sys) are matched first.
    .sort((a, b) => b.mount.length - a.mount.length);
  const join = (prefix: string, segment: string) => (prefix === '' ? segment : `${prefix}/${segment}`);
  return (vaultPath) => {
    if (vaultPath === undefined) return UNMATCHED_FAMILY;
    for (const entry of table) {
      if (vaultPath !== entry.mount && !vaultPath.startsWith(`${entry.mount}/`)) continue;
      const rest = vaultPath.slice(entry.mount.length + 1);
      const slash = rest.indexOf('/');
      const segment = slash === -1 ? rest : rest.slice(0, slash);
      if (entry.segments.has(segment)) return join(entry.prefix, segment);
      if (entry.catchAll) return entry.prefix === '' ? entry.mount : entry.prefix;
      return UNMATCHED_FAMILY;
    }
    return UNMATCHED_FAMILY;
  };
}
