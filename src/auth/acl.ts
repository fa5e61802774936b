/**
 * Which capabilities a set of policies grants on a request path, with Vault's
 * rules (developer.hashicorp.com/vault/docs/concepts/policies):
 *
 * - Rules for the same path pattern from several policies are merged: their
 *   capabilities add up, except that `deny` on a pattern removes everything
 *   else on that pattern.
 * - Of all the patterns that match a path, only the most specific one
 *   decides. An exact pattern beats every glob; between globs Vault's
 *   priority order applies (morePrecise below). So `deny` on
 *   `a/secret/*` overrides `read` on `a/*`, but `read` on `a/secret/x`
 *   overrides `deny` on `a/secret/*`, exactly as in Vault.
 * - `*` is allowed only at the end (prefix match); `+` matches exactly one
 *   segment.
 */
import type { Capability, PathRule } from './policy-language.js';

interface CompiledPattern {
  pattern: string;
  segments: string[];
  /** Ends in `*`: the last segment is a prefix, and more segments may follow. */
  isPrefix: boolean;
  /** Index of the first `+` or `*` in the pattern; Infinity when there is none. */
  firstWildcard: number;
  plusSegments: number;
  capabilities: Set<Capability>;
}

function compile(pattern: string, capabilities: Set<Capability>): CompiledPattern {
  const isPrefix = pattern.endsWith('*');
  const segments = (isPrefix ? pattern.slice(0, -1) : pattern).split('/');
  const wildcards = [pattern.indexOf('+'), pattern.indexOf('*')].filter((index) => index >= 0);
  return {
    pattern,
    segments,
    isPrefix,
    firstWildcard: wildcards.length > 0 ? Math.min(...wildcards) : Infinity,
    plusSegments: segments.filter((segment) => segment === '+').length,
    capabilities,
  };
}

function matches(rule: CompiledPattern, pathSegments: string[]): boolean {
  const last = rule.segments.length - 1;
  if (rule.isPrefix ? pathSegments.length < rule.segments.length : pathSegments.length !== rule.segments.length) return false;
  return rule.segments.every((segment, index) => {
    if (segment === '+') return true;
    if (index === last && rule.isPrefix) return pathSegments[index]!.startsWith(segment);
    return pathSegments[index] === segment;
  });
}

/** Positive when `a` takes priority over `b` (Vault's "priority matching" list, in order). */
function morePrecise(a: CompiledPattern, b: CompiledPattern): number {
  if (a.firstWildcard !== b.firstWildcard) return a.firstWildcard > b.firstWildcard ? 1 : -1;
  if (a.isPrefix !== b.isPrefix) return a.isPrefix ? -1 : 1;
  if (a.plusSegments !== b.plusSegments) return a.plusSegments < b.plusSegments ? 1 : -1;
  if (a.pattern.length !== b.pattern.length) return a.pattern.length > b.pattern.length ? 1 : -1;
  return a.pattern > b.pattern ? 1 : a.pattern < b.pattern ? -1 : 0;
}

export class Acl {
  private readonly rules: CompiledPattern[];

  constructor(policies: PathRule[][]) {
    const merged = new Map<string, Set<Capability>>();
    for (const rule of policies.flat()) {
      const capabilities = merged.get(rule.path) ?? new Set<Capability>();
      for (const capability of rule.capabilities) capabilities.add(capability);
      merged.set(rule.path, capabilities.has('deny') ? new Set(['deny']) : capabilities);
    }
    this.rules = [...merged].map(([pattern, capabilities]) => compile(pattern, capabilities));
  }

  /** The capabilities of the most specific matching pattern; empty when none matches (deny by default). */
  capabilitiesOn(path: string): Set<Capability> {
    const segments = path.split('/');
    let best: CompiledPattern | undefined;
    for (const rule of this.rules) {
      if (matches(rule, segments) && (best === undefined || morePrecise(rule, best) > 0)) best = rule;
    }
    return best?.capabilities ?? new Set();
  }
}
