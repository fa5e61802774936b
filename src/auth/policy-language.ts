/**
 * Vault's ACL policy language, in HCL or its JSON form:
 *
 *   path "sectigo-vault-pki/certs/web/*" { capabilities = ["read", "list"] }
 *
 * HCL goes through HashiCorp's own parser (@cdktf/hcl2json, compiled to wasm)
 * rather than a hand-written one, so what parses here parses in Vault.
 * Everything a policy can say is checked at write time; the stored rules are
 * already normalised, so a request never parses policy text.
 */
import { UserError } from '../errors.js';

export const CAPABILITIES = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo', 'deny'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export interface PathRule {
  /** As written, without a leading "/": may end in `*` and hold `+` segments. */
  path: string;
  capabilities: Capability[];
}

/** Vault's pre-0.9 `policy = "…"` shorthand, still accepted by Vault. */
const LEGACY_POLICY: Record<string, Capability[]> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'delete', 'list', 'sudo'],
};

/**
 * Vault restricts parameters and wrapping with these; scmpki does not. A
 * policy that relies on them must fail loudly rather than grant more than its
 * author meant.
 */
const UNSUPPORTED_KEYS = new Set(['allowed_parameters', 'denied_parameters', 'required_parameters', 'min_wrapping_ttl', 'max_wrapping_ttl']);

function fail(problem: string): never {
  throw new UserError(`policy: ${problem}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function toJson(text: string): Promise<unknown> {
  if (text.trimStart().startsWith('{')) {
    try {
      return JSON.parse(text);
    } catch (err) {
      fail(`not valid JSON: ${(err as Error).message}`);
    }
  }
  try {
    // The wasm parser loads on the first HCL policy, not at every start.
    const { parse } = await import('@cdktf/hcl2json');
    return await parse('policy.hcl', text);
  } catch (err) {
    const message = String((err as Error).message ?? err)
      .replace(/^parse config: \[|\]$/g, '')
      .replace(/policy\.hcl:(\d+),(\d+)(-[\d,]+)?:/g, 'line $1, column $2:');
    fail(`failed to parse HCL: ${message}`);
  }
}

function checkPathPattern(path: string): string {
  const trimmed = path.replace(/^\/+/, '');
  if (trimmed === '') fail(`path "${path}": must not be empty`);
  if (trimmed.slice(0, -1).includes('*')) fail(`path "${path}": "*" is only allowed at the end`);
  for (const segment of trimmed.split('/')) {
    if (segment.includes('+') && segment !== '+') fail(`path "${path}": "+" must be a whole segment, as in "a/+/b"`);
  }
  return trimmed;
}

function capabilitiesOf(path: string, block: Record<string, unknown>): Capability[] {
  const found: Capability[] = [];
  for (const [key, value] of Object.entries(block)) {
    if (key === 'capabilities') {
      if (!Array.isArray(value)) fail(`path "${path}": capabilities must be a list such as ["read", "list"]`);
      for (const item of value) {
        if (typeof item !== 'string' || item.startsWith('${')) fail(`path "${path}": capabilities must be quoted strings, got ${JSON.stringify(item)}`);
        if (!(CAPABILITIES as readonly string[]).includes(item)) fail(`path "${path}": unknown capability "${item}" (known: ${CAPABILITIES.join(', ')})`);
        found.push(item as Capability);
      }
    } else if (key === 'policy') {
      const legacy = typeof value === 'string' ? LEGACY_POLICY[value] : undefined;
      if (!legacy) fail(`path "${path}": policy must be one of ${Object.keys(LEGACY_POLICY).join(', ')}`);
      found.push(...legacy);
    } else if (UNSUPPORTED_KEYS.has(key)) {
      fail(`path "${path}": ${key} is not supported by scmpki`);
    } else {
      fail(`path "${path}": unknown key "${key}" (expected capabilities)`);
    }
  }
  return [...new Set(found)];
}

/** Parses and checks policy text; a UserError names `policy` and the problem. */
export async function parsePolicy(text: string): Promise<PathRule[]> {
  const document = await toJson(text);
  if (!isObject(document)) fail('must be an HCL document or a JSON object');
  const rules: PathRule[] = [];
  for (const [key, value] of Object.entries(document)) {
    if (key === 'name') continue;
    if (key !== 'path') fail(`unknown top-level key "${key}" (expected path blocks)`);
    // The JSON form may list several policy objects for one path block.
    const blocks = Array.isArray(value) ? value : [value];
    for (const block of blocks) {
      if (!isObject(block)) fail('path must be a block: path "<path>" { capabilities = [...] }');
      for (const [path, body] of Object.entries(block)) {
        // hcl2json gives every block as a list, since HCL allows repeats.
        for (const stanza of Array.isArray(body) ? body : [body]) {
          if (!isObject(stanza)) fail(`path "${path}": must be a block with capabilities`);
          rules.push({ path: checkPathPattern(path), capabilities: capabilitiesOf(path, stanza) });
        }
      }
    }
  }
  return rules;
}
