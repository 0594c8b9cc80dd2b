import { describe, expect, it } from 'vitest';
import { SupportCodeUnloadable, WorkerPool, type PooledWorker } from '../../src/worker/worker-pool.js';

/** A stand-in worker: the pool's rules only need whether it lives, how its load went, and its removal. */
class StandIn implements PooledWorker {
  alive = true;
  ready = false;
  loadError: string | undefined;
  removed = 0;
  private settle!: () => void;
  readonly loadSettled = new Promise<void>((resolve) => (this.settle = resolve));
  constructor(readonly n: number) {}
  /** Its support code loaded. */
  load(): this {
    this.ready = true;
    this.settle();
    return this;
  }
  /** Its support code failed to load: it ended. */
  failToLoad(error: string): void {
    this.loadError = error;
    this.alive = false;
    this.settle();
  }
  async remove(): Promise<void> {
    this.removed++;
    this.alive = false;
  }
}

/** A pool of stand-ins that load at once unless `loads` is false: the test then says how each load goes. */
function pool(loads = true) {
  const started: StandIn[] = [];
  const workers = new WorkerPool(async (n) => {
    const worker = new StandIn(n);
    started.push(worker);
    return loads ? worker.load() : worker;
  });
  return { workers, started, signal: new AbortController().signal };
}

/** Lets every pending promise callback run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('WorkerPool', () => {
  it('hands an idle worker to the next job, and starts one only when none is idle', async () => {
    const { workers, started, signal } = pool();
    const a = await workers.acquire(signal);
    const b = await workers.acquire(signal);
    expect([a.fresh, b.fresh]).toEqual([true, true]);
    await workers.release(a.worker, 1);
    const c = await workers.acquire(signal);
    expect(c).toEqual({ worker: a.worker, fresh: false });
    expect(started.map((worker) => worker.n)).toEqual([1, 2]);
  });

  it('removes a worker that ended instead of handing it out again, and replaces it', async () => {
    const { workers, started, signal } = pool();
    const a = await workers.acquire(signal);
    a.worker.alive = false; // it crashed during its feature
    await workers.release(a.worker, 1);
    expect(a.worker.removed).toBe(1);
    const b = await workers.acquire(signal);
    expect(b.fresh).toBe(true);
    // One that ends while idle is removed when a job would have taken it.
    await workers.release(b.worker, 1);
    b.worker.alive = false;
    const c = await workers.acquire(signal);
    expect(c.worker.n).toBe(3);
    expect(b.worker.removed).toBe(1);
    expect(started).toHaveLength(3);
  });

  it('removes every worker, idle or busy, once, when the run ends; and starts none after', async () => {
    const { workers, started, signal } = pool();
    const busy = await workers.acquire(signal);
    const idle = await workers.acquire(signal);
    await workers.release(idle.worker, 1);
    await workers.discard(busy.worker);
    await workers.close();
    expect(started.map((worker) => worker.removed)).toEqual([1, 1]);
    expect(workers.size).toBe(0);
    await expect(workers.acquire(signal)).rejects.toThrow(/closed/);
    // A busy worker given back after the end is not kept.
    expect(started).toHaveLength(2);
  });

  it('removes a worker whose start finished after the run ended', async () => {
    let finishStart!: () => void;
    const late = new StandIn(1).load();
    const workers = new WorkerPool(() => new Promise<StandIn>((resolve) => (finishStart = () => resolve(late))));
    const taking = workers.acquire(new AbortController().signal);
    const closed = workers.close();
    finishStart();
    await expect(taking).rejects.toThrow(/closed/);
    await closed;
    expect(late.removed).toBe(1);
  });

  it('keeps a worker given back idle only for a job queued for it: otherwise it is removed at once', async () => {
    const { workers, started, signal } = pool();
    const a = await workers.acquire(signal);
    const b = await workers.acquire(signal);
    const c = await workers.acquire(signal);
    // One job is queued: the first worker given back waits for it, the next two are not needed.
    await workers.release(a.worker, 1);
    await workers.release(b.worker, 1);
    expect([a.worker.removed, b.worker.removed]).toEqual([0, 1]);
    expect((await workers.acquire(signal)).worker).toBe(a.worker);
    // The queue is empty: the run's last features run elsewhere, and nothing waits for this one.
    await workers.release(c.worker, 0);
    expect(c.worker.removed).toBe(1);
    expect(workers.size).toBe(1);
    // A retry queued later gets a fresh worker.
    expect(await workers.acquire(signal)).toMatchObject({ fresh: true, worker: { n: 4 } });
    expect(started).toHaveLength(4);
  });

  it('replaces a worker whose support code failed to load once; when the replacement fails too, refuses every job with the load error', async () => {
    const { workers, started, signal } = pool(false);
    const first = await workers.acquire(signal);
    first.worker.failToLoad('SyntaxError: x (steps.js:3)');
    await workers.discard(first.worker);
    const second = await workers.acquire(signal);
    expect(second.fresh).toBe(true);
    second.worker.failToLoad('SyntaxError: x (steps.js:3)');
    await workers.discard(second.worker);
    await expect(workers.acquire(signal)).rejects.toThrow(SupportCodeUnloadable);
    await expect(workers.acquire(signal)).rejects.toMatchObject({ loadError: 'SyntaxError: x (steps.js:3)' });
    expect(started).toHaveLength(2);
  });

  it('a replacement that loads was the first failure being chance: the pool goes on, and counts afresh', async () => {
    const { workers, started, signal } = pool(false);
    const first = await workers.acquire(signal);
    first.worker.failToLoad('Error: flaky');
    await workers.discard(first.worker);
    const second = await workers.acquire(signal);
    second.worker.load();
    await settle();
    const third = await workers.acquire(signal);
    third.worker.failToLoad('Error: flaky');
    await workers.discard(third.worker);
    // One failure since the last load: replaced again.
    const fourth = await workers.acquire(signal);
    expect(fourth.fresh).toBe(true);
    expect(started).toHaveLength(4);
  });

  it('after a failed load, a job waits for the worker still loading instead of starting another', async () => {
    const { workers, started, signal } = pool(false);
    const first = await workers.acquire(signal);
    const second = await workers.acquire(signal);
    first.worker.failToLoad('Error: broken');
    await workers.discard(first.worker);
    // The second worker, started beside the first, is the replacement: a third job waits for its outcome.
    let third: unknown;
    const taking = workers.acquire(signal).then(
      (taken) => (third = taken),
      (error: unknown) => (third = error),
    );
    await settle();
    expect(third).toBeUndefined();
    expect(started).toHaveLength(2);
    second.worker.failToLoad('Error: broken');
    await taking;
    expect(third).toBeInstanceOf(SupportCodeUnloadable);
    expect(started).toHaveLength(2);
  });

  it('a job waiting for a load is released by a cancel, and by the run’s end', async () => {
    const { workers, signal } = pool(false);
    const first = await workers.acquire(signal);
    await workers.acquire(signal);
    first.worker.failToLoad('Error: broken');
    await workers.discard(first.worker);
    const cancel = new AbortController();
    const cancelled = workers.acquire(cancel.signal);
    const ended = workers.acquire(signal);
    cancel.abort(new Error('the run was interrupted'));
    await expect(cancelled).rejects.toThrow('the run was interrupted');
    await workers.close();
    await expect(ended).rejects.toThrow(/closed/);
  });
});
