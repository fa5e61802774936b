import { t } from '../helpers/suite.js';
import { CLEAR_FIELDS } from '../../src/audit/clear-fields.js';
import { hashStructure, hmacOf, scrubMessage } from '../../src/audit/hmac.js';
import { policyPaths } from '../../src/auth/policy-paths.js';
import { tokenPaths } from '../../src/auth/token-paths.js';
import { auditDevicePaths, auditHashPaths } from '../../src/audit/audit-paths.js';
import { enginePaths } from '../../src/engine/paths.js';
import type { FieldSchema } from '../../src/field-schema.js';
import { enrollFields } from '../../src/lifecycle/enroll-request.js';

const salt = Buffer.alloc(32, 7).toString('base64');

t.test('no field declared secret, and no known secret of a response, is kept in clear', async (t) => {
  const definitions = [...enginePaths, ...tokenPaths, ...policyPaths, ...auditDevicePaths, ...auditHashPaths] as Array<{ fields: Record<string, FieldSchema> }>;
  const declared = [...definitions.flatMap((def) => Object.entries(def.fields)), ...Object.entries(enrollFields as Record<string, FieldSchema>)]
    .filter(([, schema]) => schema.secret)
    .map(([name]) => name);
  t.ok(declared.includes('sectigo_cm_password') && declared.includes('sectigo_private_key'), 'the secret fields were found');
  const answered = ['private_key', 'client_token', 'id', 'accessor', 'renew_id', 'csr', 'certificate', 'leaf_certificate', 'pending_renewal', 'pending_replacement', 'input', 'idempotency_key', 'sectigo_cm_user', 'sectigo_cm_client_id'];
  for (const name of [...declared, ...answered]) t.notOk(CLEAR_FIELDS.has(name), `${name} is hashed`);
});

t.test('strings are hashed at any depth, numbers and booleans and clear fields are not', async (t) => {
  const hashed = hashStructure(
    { private_key: 'K', ssl_id: 42, auto_renew: true, cert_unique_id: '42_acme', ca_chain: ['A', 'B'], custom: [{ name: 'n', value: 'v' }], accessor: 'acc' },
    { salt, hmacAccessor: true },
  ) as Record<string, any>;
  t.equal(hashed.private_key, hmacOf(salt, 'K'));
  t.match(hashed.private_key, /^hmac-sha256:[0-9a-f]{64}$/);
  t.equal(hashed.ssl_id, 42);
  t.equal(hashed.auto_renew, true);
  t.equal(hashed.cert_unique_id, '42_acme');
  t.same(hashed.ca_chain, [hmacOf(salt, 'A'), hmacOf(salt, 'B')]);
  t.same(hashed.custom, [{ name: 'n', value: hmacOf(salt, 'v') }]);
  t.equal(hashed.accessor, hmacOf(salt, 'acc'));
  t.equal((hashStructure({ accessor: 'acc' }, { salt, hmacAccessor: false }) as any).accessor, 'acc', 'hmac_accessor=false');
  t.not(hmacOf(salt, 'K'), hmacOf(Buffer.alloc(32, 8).toString('base64'), 'K'), 'each device has its own salt');
});

t.test('an error message that quotes a hashed request value quotes its hash instead', async (t) => {
  const message = scrubMessage('sectigo_cm_password: "hunter2-long" is too weak', { sectigo_cm_password: 'hunter2-long', sectigo_csr_domain: 'is' }, salt);
  t.equal(message, `sectigo_cm_password: "${hmacOf(salt, 'hunter2-long')}" is too weak`);
});
