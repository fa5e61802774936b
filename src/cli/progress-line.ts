/**
 * A one-line "enrolling… 12s" on stderr while a long request waits, rewritten
 * in place with `\r` and erase-to-end-of-line. A plain line is simpler than a
 * spinner library here: one line, one timer, no cursor hiding to undo if the
 * process is interrupted, and no new dependency. Nothing is written unless
 * stderr is a terminal, so logs and pipes stay clean.
 */
import type { Secret } from './vault-client.js';

const CLEAR_LINE = '\r\x1b[K';

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export class ProgressLine {
  private readonly startedAt = Date.now();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly stream: ProgressStream,
    private readonly label: string,
  ) {}

  /** Starts the line on a terminal; on anything else returns a line that prints nothing. */
  static start(stream: ProgressStream, label: string): ProgressLine {
    const line = new ProgressLine(stream, label);
    if (stream.isTTY) {
      line.render();
      line.timer = setInterval(() => line.render(), 1000);
    }
    return line;
  }

  /** Replaces the ticking line with the outcome, e.g. "enrolling… Issued after 14s". */
  finish(outcome: string): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    this.stream.write(`${CLEAR_LINE}${this.label}… ${outcome} after ${this.elapsedSeconds()}s\n`);
  }

  private render(): void {
    this.stream.write(`${CLEAR_LINE}${this.label}… ${this.elapsedSeconds()}s`);
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
