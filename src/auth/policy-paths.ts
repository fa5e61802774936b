/**
 * sys/policies/acl/*: what `vault policy write|read|list|delete` and
 * `scmpki policy write` call. Root only, or a token whose policy grants the
 * operation's capability plus `sudo` on the path (enforce-policies.ts).
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

const aclPolicy = definePath<PolicyContext>({
  pattern: 'acl/:name',
  synopsis: 'Write, read or delete an ACL policy',
  help: [
    'Vault\'s policy language, in HCL or its JSON form:',
    '',
    '    path "sectigo-vault-pki/certs/web/*" { capabilities = ["read", "list"] }',
    '',
    'Capabilities: create, read, update, patch, delete, list, sudo, deny. `*` only at the end of a path, `+` for one segment.',
    '`root` and `default` are built in and cannot be written or deleted. A policy edit applies to every token at once.',
  ].join('\n'),
  fields: {
    policy: { type: 'string', minLength: 0, maxLength: 262144, description: 'The policy text (HCL or JSON)' },
  },
  required: ['policy'],
  strict: true,
  operations: {
    read: async ({ params }, ctx) => {
      const entry = await ctx.policies.get(params.name!);
      if (!entry) throw new NotFoundError();
      return { data: { name: entry.name, policy: entry.policy } };
    },
    update: async ({ params, data }, ctx) => {
      const name = params.name!;
      refuseReserved(name, 'write');
      const policy = data.policy as string;
      await ctx.policies.put({ name, policy, rules: await parsePolicy(policy) });
    },
    delete: async ({ params }, ctx) => {
      refuseReserved(params.name!, 'delete');
      await ctx.policies.delete(params.name!);
    },
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
