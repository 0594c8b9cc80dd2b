import { BaleenError, messageOf } from '../errors/baleen-error.js';
import type { RunSpec } from '../domain/run-spec.js';
import type { RunObserver } from '../dispatcher/run-observer.js';
import type { Logger } from './logger.js';
import type { RunAdmission } from './run-admission.js';

/**
 * Nobody holds a connection for a run the server owns: its events go to the server's watchers alone (the live
 * page, the stored report, the metrics, the run API).
 */
const NO_CLIENT: RunObserver = {
  state: () => undefined,
  output: () => undefined,
  waiting: () => undefined,
  result: () => undefined,
};

/**
 * The runs started over HTTP (`POST /api/runs`). Unlike a WebSocket client's, such a run belongs to the
 * server, not to a connection: it goes on after the request that started it, until it ends, is cancelled
 * (`DELETE /api/runs/<id>`) or the server shuts down (which cancels every run and removes its containers).
 * At most `max` of them go at once, on top of the admission's own limits (--max-queued-features).
 */
export class OwnedRuns {
  private readonly live = new Set<string>();
  private preparing = 0;

  constructor(
    private readonly admission: RunAdmission,
    private readonly log: Logger,
    private readonly max: number,
  ) {}

  /** Checks and queues a run; it has started (its features are queued) when this resolves. */
  async start(spec: RunSpec): Promise<{ runId: string }> {
    if (this.live.size + this.preparing >= this.max) {
      throw new BaleenError('OVER_LIMIT', `the server has ${this.max} runs started over HTTP going, its limit`, {
        hint: 'wait for one to finish, or start the server with a higher --max-http-runs',
      });
    }
    this.preparing++;
    let prepared: Awaited<ReturnType<RunAdmission['prepare']>>;
    try {
      prepared = await this.admission.prepare(spec);
    } finally {
      this.preparing--;
    }
    const run = prepared.start(NO_CLIENT);
    const { runId } = run;
    this.live.add(runId);
    const log = this.log.child({ runId });
    log.info(
      { image: spec.image, features: spec.features.length, concurrency: spec.concurrency, via: 'http' },
      'run accepted',
    );
    void run.finished
      .then(
        (outcome) => log.info(outcome, 'run finished'),
        (error: unknown) => log.error({ err: messageOf(error) }, 'run crashed'),
      )
      .finally(() => this.live.delete(runId));
    return { runId };
  }

  /** How many go now (for tests and metrics). */
  get size(): number {
    return this.live.size;
  }
}
