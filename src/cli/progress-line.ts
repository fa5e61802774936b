/**
 * The live "⠋ enrolling… 12s" line on stderr while a long request waits, drawn
 * by ora (spinner, cursor hiding and restoring, redraw in place). Nothing is
 * written unless stderr is a terminal, so logs and pipes stay clean.
 */
import ora, { type Ora } from 'ora';
import type { OutputStream } from './command-context.js';
import type { Secret } from './vault-client.js';

export class ProgressLine {
  private readonly startedAt = Date.now();
  private readonly ticker: NodeJS.Timeout;

  private constructor(
    private readonly spinner: Ora,
    private label: string,
  ) {
    spinner.start(this.text());
    this.ticker = setInterval(() => (spinner.text = this.text()), 1000);
  }

  /** Starts the line on a terminal; on anything else returns undefined and prints nothing. */
  static start(stream: OutputStream, label: string): ProgressLine | undefined {
    // A terminal reporting zero columns (a pty nobody sized) would make ora
    // count infinitely many lines to erase; such a terminal gets no line.
    if (!stream.isTTY || !stream.columns) return undefined;
    // stdin stays untouched: `scmpki write … -` may be reading a JSON body from it.
    const spinner = ora({ stream: stream as NodeJS.WriteStream, isEnabled: true, discardStdin: false });
    return new ProgressLine(spinner, label);
  }

  /** Changes what the line says is happening, e.g. a count that moved on. */
  update(label: string): void {
    this.label = label;
    this.spinner.text = this.text();
  }

  /** Replaces the spinner with the outcome, e.g. "✔ enrolling… Issued after 14s". */
  finish(outcome: string): void {
    clearInterval(this.ticker);
    if (!this.spinner.isSpinning) return;
    const text = `${this.label}… ${outcome} after ${this.elapsedSeconds()}s`;
    if (outcome === 'Issued') this.spinner.succeed(text);
    else if (outcome === 'TimedoutStateSaved') this.spinner.warn(text);
    else if (/ErrorCode|failed/.test(outcome)) this.spinner.fail(text);
    else this.spinner.info(text);
  }

  private text(): string {
    return `${this.label}… ${this.elapsedSeconds()}s`;
  }

  private elapsedSeconds(): number {
    return Math.floor((Date.now() - this.startedAt) / 1000);
  }
}

/** Paths whose write enrolls and then waits for SCM to issue: they get a progress line. */
export function progressLabelFor(path: string): string | undefined {
  const action = /^[^/]+\/(enroll|replace|renew)\//.exec(path)?.[1];
  return action && { enroll: 'enrolling', replace: 'replacing', renew: 'renewing' }[action];
}

/** The state a certificate record ended in: the last entry of its append-only `state` list. */
export function finalState(secret: Secret | null): string {
  const states = secret?.data?.state;
  if (Array.isArray(states) && states.length > 0) {
    const last = states[states.length - 1] as { status?: unknown };
    if (last?.status) return String(last.status);
  }
  return secret?.data?.status ? String(secret.data.status) : 'done';
}
