/** What the pool needs of a worker: a WorkerContainer, or a test's stand-in. */
export interface PooledWorker {
  /** Whether it can still answer requests. */
  readonly alive: boolean;
  /** Removes its container, killing it if it still runs. */
  remove(): Promise<void>;
}

/**
 * The warm workers of one run (--isolation worker). A job takes an idle worker, or starts a fresh one when
 * none is idle, and gives it back when its feature is answered; a worker that ended (crashed, OOM-killed,
 * stopped for a timeout or a cancel) is discarded, so the next job gets a fresh one. The pool never holds more
 * workers than the run had jobs at once (its concurrency at most): the dispatcher's slots bound it.
 * `close` removes every worker once the run is over.
 */
export class WorkerPool<W extends PooledWorker> {
  private idle: W[] = [];
  private readonly all = new Set<W>();
  private readonly removals = new Set<Promise<void>>();
  private started = 0;
  private closed = false;

  /** `start` makes worker number `n` (1, 2, …: its label); `signal` aborts a start a cancel made pointless. */
  constructor(private readonly start: (n: number, signal: AbortSignal) => Promise<W>) {}

  /** Workers alive or not yet removed. */
  get size(): number {
    return this.all.size;
  }

  /** An idle live worker, or a fresh one (`fresh`: its support code loads during its first request). */
  async acquire(signal: AbortSignal): Promise<{ worker: W; fresh: boolean }> {
    this.refuseWhenClosed();
    for (let worker = this.idle.pop(); worker !== undefined; worker = this.idle.pop()) {
      if (worker.alive) return { worker, fresh: false };
      // It ended while idle (a stray timer of its last feature, the engine): nobody's feature was running.
      void this.discard(worker);
    }
    const worker = await this.start(++this.started, signal);
    this.all.add(worker);
    if (this.closed) {
      await this.discard(worker);
      this.refuseWhenClosed();
    }
    return { worker, fresh: true };
  }

  /** A worker whose request is over: back to wait for the next feature if it lives, else removed. */
  release(worker: W): Promise<void> {
    if (!worker.alive || this.closed) return this.discard(worker);
    this.idle.push(worker);
    return Promise.resolve();
  }

  /** Removes a worker; `close` waits for every removal. One the engine will not remove is the reaper's. */
  discard(worker: W): Promise<void> {
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
    for (const worker of [...this.all]) void this.discard(worker);
    await Promise.all([...this.removals]);
  }

  private refuseWhenClosed(): void {
    if (this.closed) throw new Error("the run's warm workers are closed");
  }
}
