/**
 * Shared and exclusive turns at writing, for a backend without
 * compare-and-swap (LevelDB): ordinary writes share the gate and never wait
 * for each other; `swapRaw` takes it alone, after every write begun before it
 * has landed, so its compare and its write see no other write in between.
 * A write waits only while a swap holds or awaits the gate (a re-encryption
 * batch: milliseconds).
 */
export class WriteGate {
  private writing = 0;
  private drained: (() => void) | undefined;
  private alone: Promise<void> | undefined;

  async shared<T>(write: () => Promise<T>): Promise<T> {
    while (this.alone) await this.alone;
    this.writing++;
    try {
      return await write();
    } finally {
      if (--this.writing === 0) this.drained?.();
    }
  }

  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    while (this.alone) await this.alone;
    let release!: () => void;
    this.alone = new Promise<void>((resolve) => (release = resolve));
    try {
      while (this.writing > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      return await work();
    } finally {
      this.drained = undefined;
      this.alone = undefined;
      release();
    }
  }
}
