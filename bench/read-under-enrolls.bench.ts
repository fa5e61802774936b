import { enroll, enrollIssuedCertificates, startLoad, startServerWithSimulator } from './fixtures.js';
import { defineBenchmark } from './harness.js';

const ENROLLS = 50;
const IDLE_SECONDS = 5;
// Far beyond any read: the reader is stopped when the enrolls are done, and a
// read stuck behind key generation must count as latency, not as a timeout.
const LOAD_SECONDS = 600;
const READ_TIMEOUT_SECONDS = 120;

export default defineBenchmark({
  name: 'read-under-enrolls',
  description: `One connection reading \`GET certs/demo/<id>\` back to back (autocannon) while ${ENROLLS} RSA-4096 enrolls (server-side key generation, simulator issue delay 0) run concurrently, against the same reader on the idle server for ${IDLE_SECONDS} s just before. Server and simulator in their own processes.`,
  async run() {
    const { server } = await startServerWithSimulator('0s');
    const paths = await enrollIssuedCertificates(server, 1);
    const reader = { paths, token: server.rootToken, connections: 1, timeoutSeconds: READ_TIMEOUT_SECONDS };

    const idle = await startLoad(server.url, { ...reader, durationSeconds: IDLE_SECONDS }).result;

    const busyLoad = startLoad(server.url, { ...reader, durationSeconds: LOAD_SECONDS });
    const enrolls = Array.from({ length: ENROLLS }, (_, i) => enroll(server, `busy-${i}.bench.example.com`, { algo: 'RSA', size: '4096' }));
    const [busy] = await Promise.all([busyLoad.result, Promise.all(enrolls).finally(() => busyLoad.stop())]);

    const subject = { label: `during ${ENROLLS} RSA-4096 enrolls` };
    const baseline = { label: 'idle server' };
    return [
      {
        figure: 'p99 read latency, 1 connection',
        unit: 'ms',
        subject: { ...subject, value: busy.latency.p99 },
        baseline: { ...baseline, value: idle.latency.p99 },
        target: { of: 'subject', comparison: '<=', limit: 50 },
      },
      {
        figure: 'max read latency, 1 connection',
        unit: 'ms',
        subject: { ...subject, value: busy.latency.max },
        baseline: { ...baseline, value: idle.latency.max },
        target: { of: 'subject', comparison: '<=', limit: 200 },
      },
    ];
  },
});
