import { describe, expect, it } from 'vitest';
import { WorkerPool, type PooledWorker } from '../../src/worker/worker-pool.js';

/** A stand-in worker: the pool's rules only need whether it lives and its removal. */
class StandIn implements PooledWorker {
  alive = true;
  removed = 0;
  constructor(readonly n: number) {}
  async remove(): Promise<void> {
    this.removed++;
    this.alive = false;
  }
}

function pool() {
  const started: StandIn[] = [];
  const workers = new WorkerPool(async (n) => {
    const worker = new StandIn(n);
    started.push(worker);
    return worker;
  });
  return { workers, started, signal: new AbortController().signal };
}

describe('WorkerPool', () => {
  it('hands an idle worker to the next job, and starts one only when none is idle', async () => {
    const { workers, started, signal } = pool();
    const a = await workers.acquire(signal);
    const b = await workers.acquire(signal);
    expect([a.fresh, b.fresh]).toEqual([true, true]);
    await workers.release(a.worker);
    const c = await workers.acquire(signal);
    expect(c).toEqual({ worker: a.worker, fresh: false });
    expect(started.map((worker) => worker.n)).toEqual([1, 2]);
  });

  it('removes a worker that ended instead of handing it out again, and replaces it', async () => {
    const { workers, started, signal } = pool();
    const a = await workers.acquire(signal);
    a.worker.alive = false; // it crashed during its feature
    await workers.release(a.worker);
    expect(a.worker.removed).toBe(1);
    const b = await workers.acquire(signal);
    expect(b.fresh).toBe(true);
    // One that ends while idle is removed when a job would have taken it.
    await workers.release(b.worker);
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
    await workers.release(idle.worker);
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
    const late = new StandIn(1);
    const workers = new WorkerPool(() => new Promise<StandIn>((resolve) => (finishStart = () => resolve(late))));
    const taking = workers.acquire(new AbortController().signal);
    const closed = workers.close();
    finishStart();
    await expect(taking).rejects.toThrow(/closed/);
    await closed;
    expect(late.removed).toBe(1);
  });
});
