import { t } from '../helpers/suite.js';
import { enrollIssued, setUpWithConfigs, sslEnroll } from '../helpers/engine-fixture.js';
import { writeSyntheticRecords } from '../helpers/synthetic-records.js';

t.test('LIST certs/<config> pages with limit and after, returning every id exactly once', async (t) => {
  const setup = await setUpWithConfigs(t);
  const issued = await enrollIssued(setup, 'web', sslEnroll('paging.example.com'));
  const records = setup.server.lifecycle!.records;
  const template = await records.require('web', issued.cert_unique_id);
  const ids = [issued.cert_unique_id, ...(await writeSyntheticRecords(records, template, 2_500, { status: 'Issued', daysLeft: (i) => i % 400 }))].sort();

  const all = await setup.call('LIST', 'certs/web');
  t.same(all.body.data.keys, ids, 'unpaged: every id, in id order');
  const sample = ids[1]!;
  t.match(all.body.data.key_info[sample], { domain: /^host-\d+\.example\.com$/, status: 'Issued', not_after: /^\d{4}-/, days_left: Number });

  const seen: string[] = [];
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const query = after === undefined ? 'limit=300' : `limit=300&after=${encodeURIComponent(after)}`;
    const page = await setup.call('GET', `certs/web?list=true&${query}`);
    if (page.status === 404) break;
    t.equal(page.status, 200);
    const keys: string[] = page.body.data.keys;
    t.ok(keys.length <= 300, 'a page holds at most limit ids');
    t.same(Object.keys(page.body.data.key_info).sort(), keys, 'key_info describes the page\'s ids');
    seen.push(...keys);
    after = keys.at(-1);
    pages++;
  }
  t.equal(pages, Math.ceil(ids.length / 300));
  t.same(seen, ids, 'the pages together hold every id once, in order');

  const bad = await setup.call('LIST', 'certs/web?limit=0');
  t.equal(bad.status, 400);
  t.match(bad.body.errors[0], /limit/);
});
