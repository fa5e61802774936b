/**
 * sys/policies/acl/*: what `vault policy write|read|list|delete` and
 * `scmpki policy write` call; sys/policy/*: Vault's older form of the same,
 * which hvac's `sys.create_or_update_policy`, `read_policy`, `list_policies`
 * and `delete_policy` call (the text is `rules` when read, and may be sent as
 * `rules`). Root only, or a token whose policy grants the operation's
 * capability plus `sudo` on the path (enforce-policies.ts).
 */
import { NotFoundError, UserError } from '../errors.js';
import { definePath, type PathDefinition } from '../framework/path.js';
import { parsePolicy } from './policy-language.js';
import { RESERVED_POLICIES, type PolicyStore } from './policy-store.js';

export interface PolicyContext {
  policies: PolicyStore;
}

function refuseReserved(name: string, action: string): void {
  if (RESERVED_POLICIES.includes(name)) throw new UserError(`name: cannot ${action} the built-in "${name}" policy`);
}

const POLICY_HELP = [
  'Vault\'s policy language, in HCL or its JSON form:',
  '',
  '    path "sectigo-vault-pki/certs/web/*" { capabilities = ["read", "list"] }',
  '',
  'Capabilities: create, read, update, patch, delete, list, sudo, deny. `*` only at the end of a path, `+` for one segment.',
  '`root` and `default` are built in and cannot be written or deleted. A policy edit applies to every token at once.',
].join('\n');
const POLICY_TEXT = { type: 'string', minLength: 0, maxLength: 262144, description: 'The policy text (HCL or JSON)' } as const;

async function readPolicy(name: string, ctx: PolicyContext): Promise<{ name: string; policy: string }> {
  const entry = await ctx.policies.get(name);
  if (!entry) throw new NotFoundError();
  return { name: entry.name, policy: entry.policy };
}

async function writePolicy(name: string, policy: string, ctx: PolicyContext): Promise<void> {
  refuseReserved(name, 'write');
  await ctx.policies.put({ name, policy, rules: await parsePolicy(policy) });
}

async function deletePolicy(name: string, ctx: PolicyContext): Promise<void> {
  refuseReserved(name, 'delete');
  await ctx.policies.delete(name);
}

const aclPolicy = definePath<PolicyContext>({
  pattern: 'acl/:name',
  synopsis: 'Write, read or delete an ACL policy',
  help: POLICY_HELP,
  fields: { policy: POLICY_TEXT },
  required: ['policy'],
  strict: true,
  operations: {
    read: async ({ params }, ctx) => ({ data: await readPolicy(params.name!, ctx) }),
    update: ({ params, data }, ctx) => writePolicy(params.name!, data.policy as string, ctx),
    delete: ({ params }, ctx) => deletePolicy(params.name!, ctx),
  },
});

const aclPolicyList = definePath<PolicyContext>({
  pattern: 'acl',
  synopsis: 'List ACL policies',
  help: 'The names of the stored policies plus the built-in `default` and `root`.',
  fields: {},
  operations: {
    list: async (_req, ctx) => ({ data: { keys: await ctx.policies.list() } }),
  },
});

export const policyPaths: PathDefinition<PolicyContext>[] = [aclPolicy, aclPolicyList];

const legacyPolicy = definePath<PolicyContext>({
  pattern: ':name',
  synopsis: 'Write, read or delete an ACL policy (Vault\'s older sys/policy form)',
  help: `${POLICY_HELP}\nThe same policies as sys/policies/acl/<name>; a read answers the text as \`rules\`.`,
  fields: { policy: POLICY_TEXT, rules: { ...POLICY_TEXT, description: 'Older name of `policy`' } },
  strict: true,
  operations: {
    read: async ({ params }, ctx) => {
      const { name, policy } = await readPolicy(params.name!, ctx);
      return { data: { name, rules: policy } };
    },
    update: ({ params, data }, ctx) => {
      const policy = (data.policy ?? data.rules) as string | undefined;
      if (policy === undefined) throw new UserError('policy: is required');
      return writePolicy(params.name!, policy, ctx);
    },
    delete: ({ params }, ctx) => deletePolicy(params.name!, ctx),
  },
});

const legacyPolicyList = definePath<PolicyContext>({
  pattern: '',
  synopsis: 'List ACL policies (Vault\'s older sys/policy form)',
  help: 'The names of the stored policies plus the built-in `default` and `root`, as `policies` and `keys`.',
  fields: {},
  operations: {
    read: async (_req, ctx) => {
      const names = await ctx.policies.list();
      return { data: { policies: names, keys: names } };
    },
  },
});

/** sys/policy: Vault's older policy paths, for clients that still call them (hvac). */
export const legacyPolicyPaths: PathDefinition<PolicyContext>[] = [legacyPolicyList, legacyPolicy];
