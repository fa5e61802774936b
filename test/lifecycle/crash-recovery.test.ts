/**
 * SPEC §10: a crash (kill -9) between SCM enroll and local store. The server
 * runs as its own process (the built binary); SCM places the order and holds
 * its answer back, and the server dies inside that window.
 */
import { t } from '../helpers/suite.js';
import { certificateMatchesKey } from '../../src/pki/index.js';
import { startTestSimulator } from '../helpers/test-simulator.js';
import { assertNotInDataDir } from '../helpers/data-dir-scan.js';
import { startServerProcess } from '../helpers/server-process.js';
import { engineCaller } from '../helpers/vault-api.js';
import { tempDir } from '../helpers/temp-dir.js';
import { SSL_CONFIG } from '../helpers/engine-fixture.js';
import { simulatorConnection } from '../helpers/scm-connection.js';
import { waitFor } from '../helpers/wait-for.js';
import { opensslVerify } from '../helpers/openssl-verify.js';

/** A process start and a collector pass take longer than the in-process harness's. */
const PROCESS_WAIT_MS = 20_000;

t.test('kill -9 after SCM placed the order: the restarted server recovers the record and issues it with its key', async (t) => {
  const sim = await startTestSimulator(t);
  const dataDir = await tempDir(t, 'crash');
  const settings = { collector_interval: 1, log_level: 'info' };
  const first = await startServerProcess(t, dataDir, settings);
  const token = first.rootToken ?? '';
  t.ok(token, 'the first start printed a root token');
  const created = await engineCaller(first.url, token)('PUT', 'configs/web', { ...SSL_CONFIG, ...simulatorConnection(sim) });
  t.equal(created.status, 204);

  await sim.controls.resetCounters();
  await sim.controls.addFault({ kind: 'latency', endpoint: 'enroll', latencyMs: 5_000, afterHandling: true, count: 1 });
  const dying = engineCaller(first.url, token)('PUT', 'enroll/web', { sectigo_csr_domain: 'crash.example.com' }).catch((err: Error) => err);
  await waitFor('SCM to take the order', async () => ((await sim.controls.counters()).enroll === 1 ? true : undefined), PROCESS_WAIT_MS);
  await first.kill('SIGKILL');
  t.type(await dying, Error, 'the enroll request died with the server');

  const second = await startServerProcess(t, dataDir, settings);
  const call = engineCaller(second.url, token);
  // readcert never calls SCM: only the background collector can move the record on.
  const record = await waitFor('the recovered record to be issued', async () => {
    const listed = await call('LIST', 'certs/web');
    const id = listed.body?.data?.keys?.[0];
    if (!id) return undefined;
    const read = await call('GET', `readcert/web/${id}`);
    return read.body.data.state.at(-1).status === 'Issued' ? read.body.data : undefined;
  }, PROCESS_WAIT_MS);
  t.match(record.state[0], { status: 'Applied', description: /recovered after an interrupted enroll/ });
  t.equal(record.domain, 'crash.example.com');
  t.ok(certificateMatchesKey(record.leaf_certificate, record.private_key), 'the private key matches the certificate');
  t.match((await opensslVerify(sim.caChainPem, record.leaf_certificate)).output, /: OK$/, 'the chain verifies');
  t.equal((await sim.controls.counters()).enroll, 1, 'SCM saw exactly one enroll');
  t.match(second.output(), /recovered the SCM order of an interrupted enroll/);

  await second.kill('SIGTERM');
  // A line from the end of the PEM: the key's private part (the start holds the public modulus, in the certificate too).
  const keyLine = (record.private_key as string).trim().split('\n').at(-3) as string;
  await assertNotInDataDir(t, dataDir, keyLine);
});
