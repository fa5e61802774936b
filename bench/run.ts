/**
 * `npm run bench [-- name ...]`: runs every bench/*.bench.ts (or the named
 * ones), prints a table per file and writes bench/results/<name>.json.
 * Adding a benchmark is adding one `<name>.bench.ts` with a default export
 * from defineBenchmark().
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Bench, type Task } from 'tinybench';
import type { BenchmarkDefinition } from './harness.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(benchDir, 'results');

// Modest defaults: the machines running this have 2 cores shared with tests.
const DEFAULT_OPTIONS = { time: 500, iterations: 32, warmupTime: 100 } as const;

interface TaskSummary {
  name: string;
  opsPerSecond: number;
  meanMs: number;
  p99Ms: number;
  samples: number;
}

function summarise(task: Task): TaskSummary {
  const result = task.result;
  if (!('latency' in result)) {
    const reason = 'error' in result ? result.error : result.state;
    throw new Error(`benchmark task "${task.name}" did not complete: ${String(reason)}`);
  }
  return {
    name: task.name,
    opsPerSecond: result.throughput.mean,
    meanMs: result.latency.mean,
    p99Ms: result.latency.p99,
    samples: result.latency.samplesCount,
  };
}

async function runOne(file: string): Promise<void> {
  const definition = (await import(pathToFileURL(join(benchDir, file)).href)).default as BenchmarkDefinition;
  const bench = new Bench({ name: definition.name, ...DEFAULT_OPTIONS, ...definition.options, throws: true });
  try {
    await definition.register(bench);
    await bench.run();
  } finally {
    await definition.teardown?.();
  }
  const tasks = bench.tasks.map(summarise);
  const byName = new Map(tasks.map((task) => [task.name, task]));
  const comparisons = (definition.comparisons ?? []).map(({ ours, baseline }) => {
    const [a, b] = [byName.get(ours), byName.get(baseline)];
    if (!a || !b) throw new Error(`${definition.name}: comparison names an unknown task (${ours} / ${baseline})`);
    return { ours, baseline, ratio: a.meanMs / b.meanMs };
  });

  console.log(`\n## ${definition.name}`);
  console.table(
    tasks.map((task) => ({
      task: task.name,
      'ops/s': task.opsPerSecond.toFixed(1),
      'mean ms': task.meanMs.toFixed(3),
      'p99 ms': task.p99Ms.toFixed(3),
      samples: task.samples,
    })),
  );
  for (const { ours, baseline, ratio } of comparisons) {
    console.log(`ours/bare mean latency ${ratio.toFixed(2)}x  (${ours} vs ${baseline})`);
  }

  await mkdir(resultsDir, { recursive: true });
  const report = {
    name: definition.name,
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    options: { ...DEFAULT_OPTIONS, ...definition.options },
    tasks,
    comparisons,
  };
  await writeFile(join(resultsDir, `${definition.name}.json`), `${JSON.stringify(report, null, 2)}\n`);
}

const wanted = process.argv.slice(2);
const files = (await readdir(benchDir)).filter((file) => file.endsWith('.bench.ts')).sort();
const selected = wanted.length === 0 ? files : files.filter((file) => wanted.includes(file.replace(/\.bench\.ts$/, '')));
const unknown = wanted.filter((name) => !files.includes(`${name}.bench.ts`));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${files.map((f) => f.replace(/\.bench\.ts$/, '')).join(', ')}`);
  process.exit(2);
}
for (const file of selected) await runOne(file);
