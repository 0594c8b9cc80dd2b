import type { TaskTracker, TaskUpdate } from './task-tracker.js';
import { phaseOf, type SwarmTask } from './swarm-task.js';
import { isUnschedulable } from './swarm-errors.js';
import { BaleenError } from '../../errors/baleen-error.js';
import { toBaleenError } from '../docker/docker-errors.js';

/** What became of a task, as two moments: it began (or could not), and it ended. */
export interface TaskProgress {
  /** The task runs or already ended; rejects with the scheduler's task when no node can ever take it. */
  readonly started: Promise<SwarmTask>;
  readonly ended: Promise<SwarmTask>;
  /** Stops following; pending promises never settle after this. */
  stop(): void;
}

export class UnschedulableTask extends Error {
  constructor(readonly task: SwarmTask) {
    super(task.Status.Err ?? 'no suitable node');
  }
}

export function followTask(tracker: TaskTracker, serviceId: string): TaskProgress {
  const started = deferred<SwarmTask>();
  const ended = deferred<SwarmTask>();
  const fail = (error: unknown) => {
    started.reject(error);
    ended.reject(error);
    stop();
  };
  const stop = tracker.watch(serviceId, (update: TaskUpdate) => {
    if ('error' in update) return fail(toBaleenError(update.error, 'following a swarm task'));
    if ('gone' in update) {
      return fail(
        new BaleenError('CONTAINER_FAILED', "the feature's swarm service was removed by someone else", {
          hint: 'leave services labelled io.baleen.managed alone while baleen runs',
        }),
      );
    }
    const { task } = update;
    if (task !== undefined && isUnschedulable(task)) return fail(new UnschedulableTask(task));
    const phase = phaseOf(task);
    if (phase !== 'waiting') started.resolve(task!);
    if (phase === 'ended') {
      ended.resolve(task!);
      stop();
    }
  });
  // Whoever stops caring (a cancelled start, an exit nobody awaits) must not leave an unhandled rejection.
  started.promise.catch(() => undefined);
  ended.promise.catch(() => undefined);
  return { started: started.promise, ended: ended.promise, stop };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
