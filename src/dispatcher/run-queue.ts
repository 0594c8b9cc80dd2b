import type { Job, JobWork } from '../domain/job.js';

/**
 * One run's jobs that wait for a slot. The first attempts keep the strategy's order and are taken from the
 * front by an index (no array shifting: taking is O(1) at 100 000 jobs); retries wait apart and go first,
 * because the run's result waits on them.
 */
export class RunQueue {
  private readonly firsts: readonly Job[];
  private next = 0;
  private readonly retries: Job[] = [];

  /** `order`: what each first attempt's container runs, in the order they are handed out (see first-attempts.ts). */
  constructor(runId: string, order: readonly JobWork[]) {
    this.firsts = order.map((work) => ({ runId, ...work, attempt: 1 }));
  }

  get size(): number {
    return this.firsts.length - this.next + this.retries.length;
  }

  take(): Job | undefined {
    return this.retries.shift() ?? this.firsts[this.next++];
  }

  /** The next `count` jobs `take` would hand out, left in the queue. */
  peek(count: number): Job[] {
    const retries = this.retries.slice(0, count);
    return [...retries, ...this.firsts.slice(this.next, this.next + count - retries.length)];
  }

  pushRetry(job: Job): void {
    this.retries.push(job);
  }

  /** Empties the queue, returning what was in it (a stopped run settles these without a container). */
  drain(): Job[] {
    const left = [...this.retries, ...this.firsts.slice(this.next)];
    this.retries.length = 0;
    this.next = this.firsts.length;
    return left;
  }
}
