import type Docker from 'dockerode';
import type { AttachedContainer, ContainerExit, CreatedContainer, OutputSinks } from '../container-runtime.js';
import { ServiceLogs } from './service-logs.js';
import { removeServiceGracefully, removeServiceNow } from './service-removal.js';
import { taskFailure } from './swarm-errors.js';
import { ranToExit, type SwarmTask } from './swarm-task.js';
import { followTask, UnschedulableTask } from './task-progress.js';
import type { ServiceStdin } from './service-stdin.js';
import type { TaskTracker } from './task-tracker.js';

export interface SwarmJobContext {
  docker: Docker;
  tracker: TaskTracker;
  /** A node's hostname for messages, or undefined when it cannot be told. */
  nodeName(nodeId: string | undefined): Promise<string | undefined>;
}

const SIGKILL_EXIT = 137;
/** How long to keep looking for a container of a task removed before it ended (see removeServiceNow). */
const UNFINISHED_TASK_SETTLE_MS = 2_000;

/**
 * One feature's one-shot Swarm service, seen through the container interface: `attach` follows its logs and
 * its task, `start` waits until a node runs it, `exited` is the task's end, `remove` removes the service.
 */
export class SwarmJob implements CreatedContainer {
  private stopFollowingTask: () => void = () => undefined;
  /** Whether the task reached its end: only then can no container of it still be on its way. */
  private taskEnded = false;
  /** The node its task runs on, once started. */
  private runningOn: string | undefined;

  constructor(
    private readonly context: SwarmJobContext,
    readonly id: string,
    private readonly image: string,
    private readonly stopGraceSeconds: number,
    /** With ContainerSpec.stdin: what baleen writes the task's stdin through. */
    private readonly stdin?: ServiceStdin,
  ) {}

  async attach(sinks: OutputSinks): Promise<AttachedContainer> {
    const logs = new ServiceLogs(this.context.docker, this.id, sinks);
    await logs.startFollowing();
    const progress = followTask(this.context.tracker, this.id);
    this.stopFollowingTask = () => {
      progress.stop();
      logs.close();
      this.stdin?.close();
    };
    progress.ended.then(
      () => (this.taskEnded = true),
      () => undefined,
    );
    const exited = progress.ended.then(async (task) => {
      try {
        const exit = await this.exitOf(task);
        await logs.complete();
        return exit;
      } finally {
        // A task that never ran has no output to wait for; whatever was held back still reaches the sinks.
        logs.close();
      }
    });
    exited.catch(() => undefined);
    return {
      // Swarm starts a service's task as soon as it exists; "start" is the wait for a node to run it.
      start: async (signal) => {
        const task = await this.untilRunning(progress.started, signal);
        this.runningOn = task.NodeID;
        const containerId = task.Status.ContainerStatus?.ContainerID;
        if (this.stdin && containerId !== undefined && ranToExit(task) === undefined)
          await this.stdin.connect(this.context.docker, containerId);
      },
      exited,
      node: () => this.context.nodeName(this.runningOn),
      ...(this.stdin ? { stdin: this.stdin.stream } : {}),
    };
  }

  private async untilRunning(started: Promise<SwarmTask>, signal: AbortSignal | undefined): Promise<SwarmTask> {
    let task: SwarmTask;
    try {
      task = await abortable(started, signal);
    } catch (error) {
      if (error instanceof UnschedulableTask) throw await this.failureOf(error.task);
      throw error;
    }
    if (ranToExit(task) === undefined && task.Status.State !== 'running') throw await this.failureOf(task);
    return task;
  }

  private async exitOf(task: SwarmTask): Promise<ContainerExit> {
    const exitCode = ranToExit(task);
    if (exitCode === undefined) throw await this.failureOf(task);
    const node = await this.context.nodeName(task.NodeID);
    return {
      exitCode,
      oomKilled: exitCode === SIGKILL_EXIT && (await this.killedForMemory(task)),
      ...(node === undefined ? {} : { node }),
    };
  }

  private async failureOf(task: SwarmTask) {
    return taskFailure(task, this.image, await this.context.nodeName(task.NodeID));
  }

  /** Swarm does not say why a task was killed; the node's engine does, when that node is the one we talk to. */
  private async killedForMemory(task: SwarmTask): Promise<boolean> {
    const containerId = task.Status.ContainerStatus?.ContainerID;
    if (containerId === undefined) return false;
    try {
      return (await this.context.docker.getContainer(containerId).inspect()).State.OOMKilled === true;
    } catch {
      return false;
    }
  }

  async readFile(): Promise<Buffer | undefined> {
    // A service's filesystem lives on whichever node ran it; the report comes back through its logs instead.
    return undefined;
  }

  /** Stops the task gracefully (see removeServiceGracefully); `remove` then kills whatever still runs. */
  async stop(): Promise<void> {
    this.stopFollowingTask();
    await removeServiceGracefully(this.context.docker, this.id, this.stopGraceSeconds);
  }

  async remove(): Promise<void> {
    this.stopFollowingTask();
    await removeServiceNow(this.context.docker, this.id, this.taskEnded ? 0 : UNFINISHED_TASK_SETTLE_MS);
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
