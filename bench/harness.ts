import type { Bench, BenchOptions } from 'tinybench';

/**
 * One benchmark file = one default export of this shape. The runner owns the
 * Bench instance (so every file gets the same time budget and reporting); the
 * file only adds tasks and, where it has a baseline, names the pairs to compare.
 */
export interface BenchmarkDefinition {
  /** Also the results file name: bench/results/<name>.json. */
  name: string;
  /** Overrides of the runner's defaults, e.g. fewer iterations for slow tasks. */
  options?: BenchOptions;
  /** Adds tasks to the bench; may do async set-up first. */
  register(bench: Bench): void | Promise<void>;
  /** Pairs reported as the ratio of mean latencies, ours / baseline. */
  comparisons?: ReadonlyArray<{ ours: string; baseline: string }>;
  /** Releases whatever register() opened (servers, databases). */
  teardown?(): void | Promise<void>;
}

export function defineBenchmark(definition: BenchmarkDefinition): BenchmarkDefinition {
  return definition;
}
