import { t } from '../helpers/suite.js';
import { normalizeScmBaseUrl } from '../../src/scm/index.js';

t.test('every documented base URL form names the same API root', async (t) => {
  for (const input of [
    'https://cert-manager.com',
    'https://cert-manager.com/',
    'https://cert-manager.com/api',
    'https://cert-manager.com/api/',
    'https://cert-manager.com/api/ssl/v1',
    'https://cert-manager.com/api/ssl/v1/',
    '  https://cert-manager.com/api/smime/v2  ',
  ]) {
    t.same(normalizeScmBaseUrl(input), { origin: 'https://cert-manager.com', apiRoot: 'https://cert-manager.com/api' }, input);
  }
});

t.test('the client-certificate /private/api root and ports are kept', async (t) => {
  t.equal(normalizeScmBaseUrl('https://cert-manager.com/private/api').apiRoot, 'https://cert-manager.com/private/api');
  t.equal(normalizeScmBaseUrl('https://cert-manager.com/private/api/ssl/v1/types').apiRoot, 'https://cert-manager.com/private/api');
  t.equal(normalizeScmBaseUrl('http://127.0.0.1:8201').apiRoot, 'http://127.0.0.1:8201/api');
  t.equal(normalizeScmBaseUrl('https://gw.example.org/sectigo/').apiRoot, 'https://gw.example.org/sectigo/api');
});

t.test('URLs that cannot name an SCM root are refused with a reason', async (t) => {
  t.throws(() => normalizeScmBaseUrl('cert-manager.com'), { name: 'UserError', message: /not a URL/ });
  t.throws(() => normalizeScmBaseUrl('ftp://cert-manager.com'), { message: /must use https/ });
  t.throws(() => normalizeScmBaseUrl('https://admin:pw@cert-manager.com'), { message: /must not contain credentials/ });
  t.throws(() => normalizeScmBaseUrl('https://cert-manager.com/api?x=1'), { message: /query or fragment/ });
});
