import { randomUUID } from 'node:crypto';
import { createActor, toPromise } from 'xstate';
import type { RunSpec } from '../domain/run-spec.js';
import type { ContainerRuntime } from '../runtime/container-runtime.js';
import { thisOwner } from '../runtime/reaper.js';
import { BaleenError } from '../errors/baleen-error.js';
import { imageAllowed } from './image-policy.js';
import { runMachine, type RunObserver, type RunOutput } from '../actors/run-machine.js';
import { inRun } from './run-context.js';

export interface PreparedRun {
  readonly runId: string;
  /** Spawns the run's actors; observer callbacks begin at once (every feature reports `queued`). */
  start(observer: RunObserver): StartedRun;
}

export interface StartedRun {
  readonly runId: string;
  cancel(): void;
  /** Settles once every feature finished and every container of the run is gone. */
  readonly finished: Promise<RunOutput>;
}

/**
 * Starts runs on one container runtime. It checks what would make every feature fail the same way (no
 * engine, no image) before accepting a run, so the client gets one clear error instead of N.
 */
export class RunEngine {
  private readonly live = new Map<string, StartedRun>();
  private closing = false;

  constructor(
    private readonly runtime: ContainerRuntime,
    readonly serverId: string,
    private readonly allowedImages: readonly string[] = [],
  ) {}

  /** Checks the engine and the image; holds no resources until `start`, so a prepared run may be dropped. */
  async prepare(spec: RunSpec): Promise<PreparedRun> {
    this.refuseWhenClosing();
    if (!imageAllowed(spec.image, this.allowedImages)) {
      throw new BaleenError('USAGE', `image "${spec.image}" is not allowed on this server`, {
        hint: `it accepts only ${this.allowedImages.join(', ')} (its --allow-image)`,
      });
    }
    if (spec.constraints.length > 0 && !this.runtime.placement) {
      throw new BaleenError('USAGE', `placement constraints need a cluster, and this server runs containers on one ${this.runtime.name} engine`, {
        hint: 'use --runtime swarm, or drop --constraint',
      });
    }
    await this.runtime.ping();
    await this.runtime.checkImage(spec.image);
    const runId = randomUUID();
    return { runId, start: (observer) => this.launch(runId, spec, observer) };
  }

  private launch(runId: string, spec: RunSpec, observer: RunObserver): StartedRun {
    // A prepare that was under way when shutdown began must not start containers nobody will cancel.
    this.refuseWhenClosing();
    const actor = createActor(runMachine, {
      input: { runId, serverId: this.serverId, owner: thisOwner(), spec, runtime: this.runtime, observer },
    });
    const finished = toPromise(actor).finally(() => this.live.delete(runId));
    const run: StartedRun = { runId, cancel: () => actor.send({ type: 'CANCEL' }), finished };
    this.live.set(runId, run);
    // Everything the run's actors set going carries its id, so an error nobody caught names its run.
    inRun(runId, () => actor.start());
    return run;
  }

  private refuseWhenClosing(): void {
    if (this.closing) throw new BaleenError('SERVER_CLOSED', 'the server is shutting down', { hint: 'run again once it is back' });
  }

  /** Cancels one live run; false when there is none by that id (it ended already). */
  cancelRun(runId: string): boolean {
    const run = this.live.get(runId);
    run?.cancel();
    return run !== undefined;
  }

  get liveRuns(): number {
    return this.live.size;
  }

  /** Cancels every live run and waits until their containers are removed. */
  async shutdown(): Promise<void> {
    this.closing = true;
    const runs = [...this.live.values()];
    for (const run of runs) run.cancel();
    await Promise.allSettled(runs.map((run) => run.finished));
  }
}
