/**
 * `scmpki import` and `scmpki report expiring` through the built binary
 * against a real server and SCM simulator. Needs `npm run build`.
 */
import { t } from '../helpers/suite.js';
import { startCliFixture } from '../helpers/cli-fixture.js';
import { keyValueArgs, runCliInTerminal } from '../helpers/run-cli.js';

const { sim, server, cli, connection, home } = await startCliFixture(t);
const env = { HOME: home, VAULT_ADDR: server.url, VAULT_TOKEN: server.token };
const configured = await cli(['write', 'sectigo-vault-pki/configs/demo', ...connection, 'sectigo_cm_password=demo']);
if (configured.code !== 0) throw new Error(configured.stderr);
await sim.controls.seedSsl(30, { prefix: 'cli', days: 5, spreadDays: 60 });

t.test('import follows the job to its end and prints its counts; a second run creates nothing', async (t) => {
  const first = await cli(['import', '-format=json', 'demo']);
  t.equal(first.code, 0, first.stderr);
  t.match(JSON.parse(first.stdout).data, { state: 'done', created: 30, listed: 30 });
  t.equal(first.stderr, '', 'no progress line without a terminal');

  const again = await runCliInTerminal(['import', 'demo'], { env });
  t.equal(again.code, 0);
  t.match(again.stdout, /importing \(.*\)… done after \d+s/, 'on a terminal the progress line ends with the job\'s state');
  t.match(again.stdout, /unchanged\s+30/);

  const bad = await cli(['import', '-status=Pending', 'demo']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /status: "Pending" is not one of Issued, Expired, Revoked/);
});

t.test('report expiring: table, json and csv agree with the server\'s report', async (t) => {
  const json = await cli(['report', 'expiring', '-within=30d', '-format=json']);
  t.equal(json.code, 0, json.stderr);
  const report = JSON.parse(json.stdout).data;
  // Certificate n expires in 5 + n % 60 days; SCM gives the day, read as its end: n = 0…24 fall within 30 days.
  t.equal(report.count, 25);
  t.ok(report.certificates.every((c: { imported: boolean; days_left: number }) => c.imported && c.days_left <= 30));

  const csv = await cli(['report', 'expiring', '-within', '30d', '-format', 'csv', '-config=demo']);
  t.equal(csv.code, 0, csv.stderr);
  const [header, ...rows] = csv.stdout.trim().split('\n');
  t.equal(header, 'id,config,domain,sans,status,not_after,days_left,auto_renew,renewal_in_flight,last_error');
  t.same(rows.map((row) => row.split(',')[0]), report.certificates.map((c: { id: string }) => c.id), 'the same certificates, soonest first');
  t.match(rows[0], /^\d+_demo,demo,cli-0\.example\.com,cli-0\.example\.com,Issued,/);

  const table = await cli(['report', 'expiring']);
  t.equal(table.code, 0);
  t.match(table.stdout, /^ID\s+CONFIG\s+DOMAIN/);
  t.match(table.stdout, new RegExp(`\\n${report.count} expiring within 30d: 0 expired, 0 renewal\\(s\\) in flight, 0 with errors\\n$`));

  const wrong = await cli(['report', 'expiring', '-within=soon']);
  t.equal(wrong.code, 2);
  t.match(wrong.stderr, /within: "soon" is not a duration/);
  t.equal((await cli(['report', 'nosuch'])).code, 1);
});

t.test('list takes query pairs: profiles SCM offers the config', async (t) => {
  const offered = await cli(['list', '-format=json', 'sectigo-vault-pki/profile/demo', ...keyValueArgs({ available: true })]);
  t.equal(offered.code, 0, offered.stderr);
  t.ok(JSON.parse(offered.stdout).includes('2001'));
});
