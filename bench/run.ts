/**
 * `npm run bench [-- name ...]`: runs every bench/*.bench.ts (or the named
 * ones) one after another, prints a Markdown table per benchmark (subject,
 * baseline, ratio, target, met) and writes bench/results/<name>.json with the
 * machine it ran on. A benchmark that throws is reported and the rest still
 * run; the exit code is 1 then. Unmet targets do not fail the run: they are
 * what the figures are for.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stopAll } from './fixtures.js';
import { describeTarget, evaluate, type BenchmarkDefinition, type EvaluatedFigure } from './harness.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const resultsDir = join(benchDir, 'results');
const SUFFIX = '.bench.ts';

function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: benchDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function machine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    node: process.version,
    platform: process.platform,
    commit: gitCommit(),
  };
}

const round = (values: number[]) => values.map((value) => Number(value.toFixed(2)));

/** Three significant-ish digits: 10370, 145, 4.8, 0.73. */
function formatNumber(value: number): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function table(figures: EvaluatedFigure[]): string {
  const rows = figures.map((figure) => [
    figure.figure,
    `${formatNumber(figure.subject.value)} ${figure.unit} (${figure.subject.label})`,
    `${formatNumber(figure.baseline.value)} ${figure.unit} (${figure.baseline.label})`,
    `${formatNumber(figure.ratio)}×`,
    figure.target ? describeTarget(figure.target, figure.unit) : '—',
    figure.met === undefined ? '—' : figure.met ? 'met' : 'NOT MET',
  ]);
  const lines = [['Figure', 'Subject', 'Baseline', 'Ratio', 'Target', 'Result'], ['---', '---', '---', '---', '---', '---'], ...rows];
  return lines.map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

async function runOne(file: string): Promise<EvaluatedFigure[]> {
  const definition = (await import(pathToFileURL(join(benchDir, file)).href)).default as BenchmarkDefinition;
  console.log(`\n## ${definition.name}\n\n${definition.description}\n`);
  const loadBefore = round(loadavg());
  const started = performance.now();
  let figures: EvaluatedFigure[];
  try {
    figures = (await definition.run()).map(evaluate);
  } finally {
    await stopAll();
  }
  const seconds = (performance.now() - started) / 1000;
  const loadAfter = round(loadavg());
  console.log(table(figures));
  console.log(`\n${seconds.toFixed(1)} s; load average ${loadBefore.join(' ')} before, ${loadAfter.join(' ')} after`);

  await mkdir(resultsDir, { recursive: true });
  const report = {
    name: definition.name,
    description: definition.description,
    date: new Date().toISOString(),
    seconds: Number(seconds.toFixed(1)),
    machine: { ...machine(), loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
    figures: figures.map((figure) => ({ ...figure, targetText: figure.target && describeTarget(figure.target, figure.unit) })),
  };
  await writeFile(join(resultsDir, `${definition.name}.json`), `${JSON.stringify(report, null, 2)}\n`);
  return figures;
}

const files = (await readdir(benchDir)).filter((file) => file.endsWith(SUFFIX)).sort();
const available = files.map((file) => file.slice(0, -SUFFIX.length));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}

const { cpus: cpuCount, cpuModel, node } = machine();
console.log(`# scmpki benchmarks — ${cpuCount} × ${cpuModel}, node ${node}, load average ${round(loadavg()).join(' ')}`);
const failed: string[] = [];
let met = 0;
let notMet = 0;
for (const name of wanted.length > 0 ? wanted : available) {
  try {
    const figures = await runOne(`${name}${SUFFIX}`);
    met += figures.filter((figure) => figure.met === true).length;
    notMet += figures.filter((figure) => figure.met === false).length;
  } catch (err) {
    failed.push(name);
    console.error(`\n${name} failed: ${(err as Error).stack ?? String(err)}`);
  }
}
console.log(`\ntargets met: ${met}, not met: ${notMet}${failed.length > 0 ? `; benchmarks failed: ${failed.join(', ')}` : ''}`);
process.exit(failed.length > 0 ? 1 : 0);
