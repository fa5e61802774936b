import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fillDataDir } from './estate-fill.js';
import { startScmpki } from './fixtures.js';
import { defineBenchmark, type Figure } from './harness.js';

const SIZES = (process.env.BENCH_ESTATE ?? '10000,100000').split(',').map(Number);
const IDLE_MS = 10_000;

interface EstateFigures {
  startMs: number;
  listColdMs: number;
  listWarmMs: number;
  listPageMs: number;
  rssMiB: number;
  anonMiB: number;
  idleCpuPercent: number;
  stopMs: number;
  bytesPerRecord: number;
}

/** VmRSS and RssAnon of a process, in MiB. */
function memoryMiB(pid: number): { rss: number; anon: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, anon: kib('RssAnon') / 1024 };
}

async function diskBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function measure(count: number): Promise<EstateFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'scmpki-estate-'));
  try {
    const prepared = await fillDataDir(dir, count);
    const bytesPerRecord = (await diskBytes(join(dir, 'data'))) / count;
    const server = await startScmpki(prepared);
    // The server's answer, read whole but not parsed: parsing 12 MB of JSON is the client's cost.
    const list = (query: string) => timed(async () => {
      const response = await fetch(server.engineUrl(`certs/demo?list=true${query}`), { headers: { 'x-vault-token': server.rootToken } });
      if (!response.ok) throw new Error(`LIST certs/demo: ${response.status}`);
      await response.arrayBuffer();
    });
    const listColdMs = await list('');
    const listWarmMs = await list('');
    const listPageMs = await list('&limit=1000');
    const memory = memoryMiB(server.pid);
    // Let start-up work settle, then count what an idle server spends.
    await sleep(2_000);
    const cpuBefore = server.cpuMs();
    await sleep(IDLE_MS);
    const idleCpuPercent = ((server.cpuMs() - cpuBefore) / IDLE_MS) * 100;
    const stopMs = await timed(() => server.stop());
    return { startMs: server.startupMs, listColdMs, listWarmMs, listPageMs, rssMiB: memory.rss, anonMiB: memory.anon, idleCpuPercent, stopMs, bytesPerRecord };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export default defineBenchmark({
  name: 'estate',
  description: `A server over a store of N issued certificates (${SIZES.join(' and ')}; \`BENCH_ESTATE\` sets them), filled through the storage layer, against the same server over a store of one: start to \`sys/health\`, \`LIST certs/demo\` cold, warm and one page of 1,000, memory after listing, CPU over ${IDLE_MS / 1000} s of idling, SIGTERM to exit, and disk per record.`,
  async run() {
    const baseline = await measure(1);
    const figures: Figure[] = [];
    for (const count of SIZES) {
      const estate = await measure(count);
      const label = `${count.toLocaleString('en')} records`;
      const row = (figure: string, unit: string, key: keyof EstateFigures, limit?: number): Figure => ({
        figure: `${figure}, ${label}`,
        unit,
        subject: { label, value: estate[key] },
        baseline: { label: '1 record', value: baseline[key] },
        ...(limit !== undefined && { target: { of: 'subject', comparison: '<=', limit } }),
      });
      figures.push(
        row('start to sys/health 200', 'ms', 'startMs', 1_000),
        row('LIST certs/demo, cold', 'ms', 'listColdMs', 1_000),
        row('LIST certs/demo, warm', 'ms', 'listWarmMs', 1_000),
        row('LIST certs/demo?limit=1000', 'ms', 'listPageMs'),
        row('RSS after LIST', 'MiB', 'rssMiB'),
        row('anonymous memory after LIST', 'MiB', 'anonMiB', 300),
        row('idle CPU', '% of a core', 'idleCpuPercent', 1),
        row('SIGTERM to exit', 'ms', 'stopMs', 1_000),
        row('disk per record', 'bytes', 'bytesPerRecord'),
      );
    }
    return figures;
  },
});
