/**
 * Import runs as background jobs, one per config at a time: an import over
 * a large SCM account outlasts any HTTP request, so `import/<config>` starts
 * (or joins) a run and answers at once, and the caller polls its progress.
 * Jobs live in this process only: after a restart the last run's counts are
 * gone, and running the import again costs only list calls for what is
 * already imported.
 */
/** Named as the API's fields, so a job shows its filters as they were given. */
export interface ImportFilters {
  /** One SCM status: Issued, Expired or Revoked (any case). Default all three. */
  status?: string;
  /** Only certificates expiring before this instant (RFC 3339, or a date: its midnight UTC). */
  expiring_before?: string;
  /** Only common names matching this pattern; `*` matches any characters, case-insensitive. */
  common_name?: string;
}

export interface ImportCounts {
  /** List entries read from SCM. */
  listed: number;
  /** What SCM's `X-Total-Count` says the lists hold (SSL); null when SCM does not say. */
  total: number | null;
  created: number;
  updated: number;
  unchanged: number;
  /** Held by scmpki already (enrolled or fetched), or left out by a filter. */
  skipped: number;
  failed: number;
  errors: string[];
}

/** Errors kept per run; the count says how many there were. */
export const MAX_ERRORS = 20;

export function emptyCounts(): ImportCounts {
  return { listed: 0, total: null, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0, errors: [] };
}

export interface ImportJob extends ImportCounts {
  config: string;
  state: 'running' | 'done' | 'failed' | 'stopped';
  started_at: string;
  finished_at: string | null;
  filters: ImportFilters;
  /** Why the run stopped (SCM refused the list, …); null otherwise. */
  error: string | null;
}

export class ImportJobs {
  private readonly jobs = new Map<string, { job: ImportJob; done: Promise<void> }>();
  private readonly stopping = new AbortController();

  /**
   * Starts a run for `config` unless one is running; either way answers the
   * running job (a copy) and whether this call started it.
   */
  start(
    config: string,
    filters: ImportFilters,
    run: (counts: ImportCounts, signal: AbortSignal) => Promise<void>,
  ): { job: ImportJob; started: boolean } {
    const current = this.jobs.get(config);
    if (current?.job.state === 'running') return { job: snapshot(current.job), started: false };
    const job: ImportJob = { config, state: 'running', started_at: new Date().toISOString(), finished_at: null, filters, error: null, ...emptyCounts() };
    const done = run(job, this.stopping.signal).then(
      () => {
        job.state = this.stopping.signal.aborted ? 'stopped' : 'done';
      },
      (error: unknown) => {
        job.state = 'failed';
        job.error = error instanceof Error ? error.message : String(error);
      },
    ).finally(() => {
      job.finished_at = new Date().toISOString();
    });
    this.jobs.set(config, { job, done });
    return { job: snapshot(job), started: true };
  }

  /** The running or last job of `config`, as it is now. */
  get(config: string): ImportJob | undefined {
    const entry = this.jobs.get(config);
    return entry && snapshot(entry.job);
  }

  /** Resolves when the config's current job has finished. */
  async settled(config: string): Promise<ImportJob | undefined> {
    await this.jobs.get(config)?.done;
    return this.get(config);
  }

  /** Stops every run at its next page (server shutdown) and waits for them. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.all([...this.jobs.values()].map((entry) => entry.done));
  }
}

function snapshot(job: ImportJob): ImportJob {
  return { ...job, errors: [...job.errors], filters: { ...job.filters } };
}
