/**
 * The contract between a benchmark file and the runner. One benchmark file =
 * one default export of defineBenchmark(). Its run() measures the subject and
 * its baseline in the same run and returns figures; the runner computes the
 * ratio, checks the target, prints the table and writes the JSON.
 *
 * Every figure carries a baseline because the machines running this are
 * shared and noisy: an absolute number from one run says little, the ratio to
 * something measured a moment earlier on the same cores says much more.
 */

export interface Measurement {
  /** What was measured: "scmpki server", "bare node:http". */
  label: string;
  value: number;
}

/**
 * A goal from the issue. `of: 'ratio'` compares subject / baseline (a "≥ 0.6×
 * bare" target), `of: 'subject'` compares the subject's own value in the
 * figure's unit (a "p99 < 20 ms" target).
 */
export interface Target {
  of: 'ratio' | 'subject';
  comparison: '<' | '<=' | '>=';
  limit: number;
}

export interface Figure {
  /** One line of the table: "req/s at 64 connections". */
  figure: string;
  unit: string;
  subject: Measurement;
  baseline: Measurement;
  /** Omitted for figures recorded for context only (CPU per read). */
  target?: Target;
}

export interface BenchmarkDefinition {
  /** `npm run bench -- <name>`; also the results file: bench/results/<name>.json. */
  name: string;
  /** One sentence for the printed heading: what runs against what. */
  description: string;
  run(): Promise<Figure[]>;
}

export function defineBenchmark(definition: BenchmarkDefinition): BenchmarkDefinition {
  return definition;
}

export interface EvaluatedFigure extends Figure {
  ratio: number;
  /** Undefined when the figure has no target. */
  met?: boolean;
}

export function evaluate(figure: Figure): EvaluatedFigure {
  const ratio = figure.subject.value / figure.baseline.value;
  if (!figure.target) return { ...figure, ratio };
  const { of, comparison, limit } = figure.target;
  const value = of === 'ratio' ? ratio : figure.subject.value;
  const met = comparison === '<' ? value < limit : comparison === '<=' ? value <= limit : value >= limit;
  return { ...figure, ratio, met };
}

export function describeTarget(target: Target, unit: string): string {
  const sign = { '<': '<', '<=': '≤', '>=': '≥' }[target.comparison];
  return target.of === 'ratio' ? `${sign} ${target.limit}× baseline` : `${sign} ${target.limit} ${unit}`;
}
