/** What the pool needs of a worker: a WorkerContainer, or a test's stand-in. */
export interface PooledWorker {
  /** Whether it can still answer requests. */
  readonly alive: boolean;
  /** Whether its support code loaded. */
  readonly ready: boolean;
  /** What its support code failed to load with, once it ended because of that (see warm-worker.mjs). */
  readonly loadError: string | undefined;
  /** Settles once its support code loaded or it ended, whichever came first. */
  readonly loadSettled: Promise<void>;
  /** Removes its container, killing it if it still runs. */
  remove(): Promise<void>;
}

/** The run's support code failed to load on two workers in a row: no worker is started for it any more. */
export class SupportCodeUnloadable extends Error {
  constructor(readonly loadError: string) {
    super(`the support code failed to load on two warm workers in a row: ${loadError}`);
  }
}

/** Load failures in a row after which the support code is taken to be broken: the first may be chance. */
const FAILED_LOADS_TO_GIVE_UP = 2;

/**
 * The warm workers of one run (--isolation worker). A job takes an idle worker, or starts a fresh one when
 * none is idle, and gives it back when its feature is answered; a worker that ended (crashed, OOM-killed,
 * stopped for a timeout or a cancel) is discarded, so the next job gets a fresh one. The pool never holds more
 * workers than the run had jobs at once (its concurrency at most): the dispatcher's slots bound it.
 *
 * Kept idle only for a job that waits for it: a worker given back when no more of the run's jobs are queued
 * than workers idle is removed at once, so that a run's long tail holds one container, not one per slot
 * (a retry queued later gets a fresh one).
 *
 * Support code that fails to load (a syntax error, a missing module) fails every worker alike: a worker that
 * failed is replaced once (it may have been chance: one replacement at a time, so a job waits for a worker
 * still loading rather than starting another), and when that one fails too the pool refuses every job with
 * the load error (`SupportCodeUnloadable`) instead of paying a container and a load per feature.
 * `close` removes every worker once the run is over.
 */
export class WorkerPool<W extends PooledWorker> {
  private idle: W[] = [];
  private readonly all = new Set<W>();
  private readonly removals = new Set<Promise<void>>();
  private started = 0;
  private closed = false;
  /** Workers whose support code is loading: after a failed load, a fresh start waits for their outcome. */
  private readonly loading = new Set<W>();
  /** Starts under way: their workers will be loading. */
  private starting = 0;
  private failedLoads = 0;
  private unloadable: string | undefined;
  private readonly waiting = new Set<() => void>();

  /** `start` makes worker number `n` (1, 2, …: its label); `signal` aborts a start a cancel made pointless. */
  constructor(private readonly start: (n: number, signal: AbortSignal) => Promise<W>) {}

  /** Workers alive or not yet removed. */
  get size(): number {
    return this.all.size;
  }

  /** An idle live worker, or a fresh one (`fresh`: its support code loads during its first request). */
  async acquire(signal: AbortSignal): Promise<{ worker: W; fresh: boolean }> {
    for (;;) {
      this.refuseWhenClosed();
      if (this.unloadable !== undefined) throw new SupportCodeUnloadable(this.unloadable);
      for (let worker = this.idle.pop(); worker !== undefined; worker = this.idle.pop()) {
        if (worker.alive) return { worker, fresh: false };
        // It ended while idle (a stray timer of its last feature, the engine): nobody's feature was running.
        void this.discard(worker);
      }
      // After a failed load, a worker still loading is the replacement: its outcome decides, not another start.
      if (this.failedLoads === 0 || this.loading.size + this.starting === 0) break;
      await this.nextLoadOutcome(signal);
    }
    this.starting++;
    let worker: W;
    try {
      worker = await this.start(++this.started, signal);
      this.all.add(worker);
      this.loading.add(worker);
    } finally {
      this.starting--;
      this.wake();
    }
    void worker.loadSettled.then(() => this.loadOutcome(worker));
    if (this.closed) {
      await this.discard(worker);
      this.refuseWhenClosed();
    }
    return { worker, fresh: true };
  }

  /**
   * A worker whose request is over: back to wait for the next feature if it lives and one of the `queued` jobs
   * of its run (waiting for a slot now) may take it, else removed.
   */
  release(worker: W, queued: number): Promise<void> {
    if (!worker.alive || this.closed || this.idle.length >= queued) return this.discard(worker);
    this.idle.push(worker);
    return Promise.resolve();
  }

  /** Removes a worker; `close` waits for every removal. One the engine will not remove is the reaper's. */
  discard(worker: W): Promise<void> {
    // What its load came to counts before its slot frees: the next job's start depends on it.
    this.loadOutcome(worker, true);
    this.idle = this.idle.filter((idle) => idle !== worker);
    if (!this.all.delete(worker)) return Promise.resolve();
    const removal = worker.remove().catch(() => undefined);
    this.removals.add(removal);
    void removal.then(() => this.removals.delete(removal));
    return removal;
  }

  /** The run is over: every worker goes, and this settles once their containers are removed. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    for (const worker of [...this.all]) void this.discard(worker);
    await Promise.all([...this.removals]);
  }

  /**
   * A worker loaded its support code, or ended first, or is `going` (removed while loading): counted once. One
   * that ended for another reason than its support code (a timeout, a cancel, out of memory) counts neither way.
   */
  private loadOutcome(worker: W, going = false): void {
    if (!this.loading.has(worker) || (worker.alive && !worker.ready && !going)) return;
    this.loading.delete(worker);
    if (worker.ready) this.failedLoads = 0;
    else if (worker.loadError !== undefined && ++this.failedLoads >= FAILED_LOADS_TO_GIVE_UP)
      this.unloadable = worker.loadError;
    this.wake();
  }

  /** Settles when a worker's load outcome is known (or a start ended, or the pool closed); rejects on a cancel. */
  private nextLoadOutcome(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiting.delete(woken);
        reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
      };
      const woken = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      if (signal.aborted) return onAbort();
      this.waiting.add(woken);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private wake(): void {
    const woken = [...this.waiting];
    this.waiting.clear();
    for (const wake of woken) wake();
  }

  private refuseWhenClosed(): void {
    if (this.closed) throw new Error("the run's warm workers are closed");
  }
}
