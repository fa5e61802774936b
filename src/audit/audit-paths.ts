/**
 * sys/audit and sys/audit-hash: what `vault audit enable|disable|list` and
 * hvac's sys.enable_audit_device / calculate_hash call. Every operation
 * needs `sudo` on its path besides the usual capability (root-protected in
 * Vault, and in auth/enforce-policies.ts here): whoever can switch the audit
 * trail off can act unseen.
 */
import { NotFoundError } from '../errors.js';
import { definePath, type PathDefinition } from '../framework/path.js';
import type { AuditBroker } from './broker.js';

export interface AuditPathContext {
  broker: AuditBroker;
}

const auditDevices = definePath<AuditPathContext>({
  pattern: '',
  synopsis: 'List the enabled audit devices',
  help: 'The enabled devices keyed `<name>/`, with their type, description and options; at the top level and under `data`, as in Vault. Needs `sudo`.',
  fields: {},
  operations: {
    read: async (req, ctx) => {
      const devices = ctx.broker.list();
      return { raw: { status: 200, body: { ...devices, request_id: req.requestId, lease_id: '', renewable: false, lease_duration: 0, data: devices, wrap_info: null, warnings: null, auth: null } } };
    },
  },
});

const auditDevice = definePath<AuditPathContext>({
  pattern: ':name',
  synopsis: 'Enable or disable an audit device',
  help: [
    'Write enables a `file` device at `<name>`: every request and response is appended to `options.file_path` as one JSON line each,',
    'secret values replaced by `hmac-sha256:<hex>` with the device\'s own salt. When devices are enabled and none can write,',
    'requests are refused (503, `audit log failure`). Delete disables the device. Needs `sudo`.',
    '',
    '    vault audit enable -path=file file file_path=/var/log/scmpki/audit.log',
  ].join('\n'),
  fields: {
    type: { type: 'string', enum: ['file'], description: 'Device type: file' },
    description: { type: 'string', maxLength: 1024, description: 'What the device is for' },
    options: {
      type: 'object',
      additionalProperties: { type: ['string', 'boolean', 'integer'] },
      description: 'file_path (absolute; required), mode (octal, default "0600"; "0000" leaves the mode alone), hmac_accessor (default true), format (json)',
    },
    local: { type: 'boolean', description: 'Accepted for compatibility; scmpki is one node' },
  },
  required: ['type'],
  // Not strict: the vault CLI and hvac send fields of their own (seal_wrap in some versions).
  operations: {
    update: async (req, ctx) => {
      await ctx.broker.enable(req.params.name!, {
        type: req.data.type as string,
        description: req.data.description as string | undefined,
        options: (req.data.options as Record<string, unknown> | undefined) ?? {},
      });
    },
    delete: async (req, ctx) => {
      await ctx.broker.disable(req.params.name!);
    },
  },
});

const auditHash = definePath<AuditPathContext>({
  pattern: ':name',
  synopsis: 'Hash a value as an audit device does',
  help: 'Returns `hash`: `input` HMAC\'d with the device\'s salt, to search its log for a value you know. Needs `sudo`.',
  fields: {
    input: { type: 'string', maxLength: 1_048_576, description: 'The value to hash' },
  },
  required: ['input'],
  strict: true,
  operations: {
    update: async (req, ctx) => {
      const hash = ctx.broker.hash(req.params.name!, req.data.input as string);
      if (hash === undefined) throw new NotFoundError(`no audit device is enabled at "${req.params.name}"`);
      return { raw: { status: 200, body: { hash, request_id: req.requestId, lease_id: '', renewable: false, lease_duration: 0, data: { hash }, wrap_info: null, warnings: null, auth: null } } };
    },
  },
});

/** Mounted at `sys/audit`. */
export const auditDevicePaths: PathDefinition<AuditPathContext>[] = [auditDevices, auditDevice];
/** Mounted at `sys/audit-hash`. */
export const auditHashPaths: PathDefinition<AuditPathContext>[] = [auditHash];
