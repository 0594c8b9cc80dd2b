/** One push waiting for its project's previous push to finish. */
export interface QueuedPush {
  readonly project: string;
  readonly commit: string;
  run(): Promise<void>;
  /** Told instead of `run` when a newer push of its project replaced it (--cancel-superseded). */
  superseded(): void;
}

/**
 * Pushes to one project run one at a time, in the order they came; pushes to different projects do not wait
 * for each other (the server's capacity shares the containers). With `cancelSuperseded`, a new push drops
 * the pushes of its project still waiting: only the newest commit is worth a run.
 */
export class PushQueue {
  private readonly waiting = new Map<string, QueuedPush[]>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(private readonly cancelSuperseded: boolean) {}

  /** Queues `push`; returns how many runs of its project come before it (0: it starts now). */
  add(push: QueuedPush): number {
    const waiting = this.waiting.get(push.project) ?? [];
    if (this.cancelSuperseded) for (const older of waiting.splice(0)) older.superseded();
    waiting.push(push);
    this.waiting.set(push.project, waiting);
    const ahead = waiting.length - 1 + (this.running.has(push.project) ? 1 : 0);
    if (!this.running.has(push.project)) this.next(push.project);
    return ahead;
  }

  /** Settles when nothing runs or waits (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** Drops every waiting push (shutdown). */
  clear(): void {
    for (const waiting of this.waiting.values()) for (const push of waiting.splice(0)) push.superseded();
  }

  private next(project: string): void {
    const push = this.waiting.get(project)?.shift();
    if (!push) {
      this.running.delete(project);
      this.waiting.delete(project);
      return;
    }
    // A push's own failure is its business (it logs it); the queue goes on either way.
    const done = push
      .run()
      .catch(() => undefined)
      .then(() => this.next(project));
    this.running.set(project, done);
  }
}
