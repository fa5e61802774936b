import { t } from '../helpers/suite.js';
import { routeFamilies } from '../../src/framework/route-family.js';
import { definePath } from '../../src/framework/path.js';
import type { MountOptions } from '../../src/framework/router.js';

const paths = (...patterns: string[]) => patterns.map((pattern) => definePath({ pattern, synopsis: '', help: '', fields: {}, operations: {} }));
const mount = (name: string, patterns: string[], familyPrefix?: string): MountOptions<unknown> => ({
  mount: name,
  mountType: 'system',
  definitions: paths(...patterns),
  context: {},
  ...(familyPrefix === undefined ? {} : { familyPrefix }),
});

const familyOf = routeFamilies([
  mount('sys/policies', ['acl', 'acl/:name']),
  mount('sys/audit', ['', ':name']),
  mount('pki', ['certs/:config', 'certs/:config/:id', 'enroll/:config'], ''),
  mount('sys', ['health', 'internal/specs/openapi']),
]);

t.test('a path is counted under its mount and the first segment of its pattern, never its ids', async (t) => {
  t.equal(familyOf('pki/certs/web/1234_demo'), 'certs', 'engine families are bare');
  t.equal(familyOf('pki/certs/web'), 'certs');
  t.equal(familyOf('pki/enroll/web'), 'enroll');
  t.equal(familyOf('sys/health'), 'sys/health');
  t.equal(familyOf('sys/internal/specs/openapi'), 'sys/internal');
  t.equal(familyOf('sys/policies/acl/web-readers'), 'sys/policies/acl', 'a nested mount wins over sys');
  t.equal(familyOf('sys/audit/file'), 'sys/audit', 'a pattern that starts with a parameter counts under the mount');
  t.equal(familyOf('sys/audit'), 'sys/audit');
});

t.test('paths no pattern starts with are unmatched, so invented paths cannot grow the label set', async (t) => {
  for (const path of ['pki/invented/x', 'sys/nothing', 'elsewhere/certs', 'pkix/certs/web', '', 'sys/policies/other']) {
    t.equal(familyOf(path), 'unmatched', path);
  }
});
