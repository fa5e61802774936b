/**
 * sys/rotate and sys/key-status: Vault's seal key rotation, as `vault
 * operator rotate`, hvac's `sys.rotate_encryption_key` and node-vault's
 * `rotate` call it. Rotating needs `sudo` as well as `update`
 * (root-protected in Vault, and in auth/enforce-policies.ts here); reading
 * the status needs `read`.
 */
import { definePath, type PathDefinition } from '../framework/path.js';
import type { KeyRotation } from '../storage/key-rotation.js';

export interface KeyPathContext {
  rotation: KeyRotation;
}

const rotate = definePath<KeyPathContext>({
  pattern: '',
  synopsis: 'Rotate the key that seals stored values',
  help: [
    'Installs a new key term: new values are sealed with it at once, and a background pass re-encrypts every stored value to it.',
    'When the pass has finished, the old terms are retired (sys/key-status `retired_terms`). The seal key itself does not change.',
    'Refused (409) while a re-encryption is still running. Answers 204, as Vault does. Needs `sudo`.',
  ].join('\n'),
  fields: {},
  operations: {
    update: async (_req, ctx) => {
      await ctx.rotation.rotate();
    },
  },
});

const keyStatus = definePath<KeyPathContext>({
  pattern: '',
  synopsis: 'The active key term, and the re-encryption after a rotation',
  help: [
    'Vault\'s fields `term`, `install_time` and `encryptions` (values sealed with the term, an estimate), at the top level and under `data`;',
    'then `terms` (the terms that still open values), `rewrap` (the running re-encryption: `rewrapped` values so far, or null) and `retired_terms`.',
  ].join('\n'),
  fields: {},
  operations: {
    read: async ({ requestId }, ctx) => {
      const status = { ...ctx.rotation.status() };
      return { raw: { status: 200, body: { ...status, request_id: requestId, lease_id: '', renewable: false, lease_duration: 0, data: status, wrap_info: null, warnings: null, auth: null } } };
    },
  },
});

/** Mounted at `sys/rotate`. */
export const rotatePaths: PathDefinition<KeyPathContext>[] = [rotate];
/** Mounted at `sys/key-status`. */
export const keyStatusPaths: PathDefinition<KeyPathContext>[] = [keyStatus];
