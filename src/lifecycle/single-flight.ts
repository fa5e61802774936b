/**
 * One in-flight operation per key: callers that arrive while it runs share its
 * result instead of starting their own. This is what turns twenty concurrent
 * reads of an expiring certificate into one renewal at SCM. It only covers
 * this process; the work itself must still re-check storage once it holds the
 * key, because a caller may arrive just after a previous flight finished.
 */
export class SingleFlight {
  private readonly inFlight = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const flight = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, flight);
    return flight;
  }

  isRunning(key: string): boolean {
    return this.inFlight.has(key);
  }
}
