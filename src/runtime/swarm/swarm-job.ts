import type Docker from 'dockerode';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AttachedContainer, ContainerExit, CreatedContainer, OutputSinks } from '../container-runtime.js';
import { statusOf, toBaleenError } from '../docker/docker-errors.js';
import { withEngineRetry } from '../docker/transient-retry.js';
import { ServiceLogs } from './service-logs.js';
import { taskFailure } from './swarm-errors.js';
import type { SwarmTask } from './swarm-task.js';
import { followTask, UnschedulableTask } from './task-progress.js';
import type { TaskTracker } from './task-tracker.js';

export interface SwarmJobContext {
  docker: Docker;
  tracker: TaskTracker;
  /** A node's hostname for messages, or undefined when it cannot be told. */
  nodeName(nodeId: string | undefined): Promise<string | undefined>;
}

/** The label Swarm puts on every container of a service's tasks. */
const SERVICE_ID_LABEL = 'com.docker.swarm.service.id';
const SIGKILL_EXIT = 137;

/**
 * One feature's one-shot Swarm service, seen through the container interface: `attach` follows its logs and
 * its task, `start` waits until a node runs it, `exited` is the task's end, `remove` removes the service.
 */
export class SwarmJob implements CreatedContainer {
  private stopFollowingTask: () => void = () => undefined;

  constructor(
    private readonly context: SwarmJobContext,
    readonly id: string,
    private readonly image: string,
    private readonly stopGraceSeconds: number,
  ) {}

  async attach(sinks: OutputSinks): Promise<AttachedContainer> {
    const logs = new ServiceLogs(this.context.docker, this.id, sinks);
    await logs.startFollowing();
    const progress = followTask(this.context.tracker, this.id);
    this.stopFollowingTask = () => {
      progress.stop();
      logs.close();
    };
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
      start: (signal) => this.untilRunning(progress.started, signal),
      exited,
    };
  }

  private async untilRunning(started: Promise<SwarmTask>, signal: AbortSignal | undefined): Promise<void> {
    let task: SwarmTask;
    try {
      task = await abortable(started, signal);
    } catch (error) {
      if (error instanceof UnschedulableTask) throw await this.failureOf(error.task);
      throw error;
    }
    if (ranToExit(task) === undefined && task.Status.State !== 'running') throw await this.failureOf(task);
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

  /**
   * Removing the service makes Swarm stop its task: the stop signal, then the kill after the grace period set
   * on the service. On the node we talk to, wait for that, as `docker stop` does.
   */
  async stop(): Promise<void> {
    this.stopFollowingTask();
    await removeService(this.context.docker, this.id);
    await whileLocalContainers(this.context.docker, this.id, this.stopGraceSeconds + 5, (containers) => containers.some((c) => c.State === 'running'));
  }

  async remove(): Promise<void> {
    this.stopFollowingTask();
    await removeServiceNow(this.context.docker, this.id);
  }
}

/** The exit code of a task whose process ran and ended, or undefined when it never ran to an exit. */
export function ranToExit(task: SwarmTask): number | undefined {
  if (task.Status.State === 'complete') return 0;
  const code = task.Status.ContainerStatus?.ExitCode;
  return task.Status.State === 'failed' && /non-zero exit/.test(task.Status.Err ?? '') && code !== undefined ? code : undefined;
}

export async function removeService(docker: Docker, serviceId: string): Promise<void> {
  try {
    await withEngineRetry(() => docker.getService(serviceId).remove());
  } catch (error) {
    if (statusOf(error) === 404) return;
    throw toBaleenError(error, `removing swarm service ${serviceId.slice(0, 12)}`);
  }
}

/**
 * Removes the service and, on the node we talk to, its containers at once (a kill, as `docker rm -f`).
 * Swarm would remove them itself, but only after the grace period, and never on engines with
 * moby/moby#44312. Containers on other nodes are their agents' to remove.
 */
export async function removeServiceNow(docker: Docker, serviceId: string): Promise<void> {
  await removeService(docker, serviceId);
  await whileLocalContainers(docker, serviceId, 10, async (containers) => {
    await Promise.all(containers.map((container) => forceRemove(docker, container.Id)));
    return containers.length > 0;
  });
}

/** Polls a service's containers on this node while `busy` says so, for at most `seconds`. */
async function whileLocalContainers(
  docker: Docker,
  serviceId: string,
  seconds: number,
  busy: (containers: Docker.ContainerInfo[]) => boolean | Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  const filters = { label: [`${SERVICE_ID_LABEL}=${serviceId}`] };
  while (Date.now() < deadline) {
    const containers = await docker.listContainers({ all: true, filters }).catch((error: unknown) => {
      throw toBaleenError(error, 'listing a service\'s containers');
    });
    if (!(await busy(containers))) return;
    await sleep(200);
  }
}

async function forceRemove(docker: Docker, containerId: string): Promise<void> {
  try {
    await docker.getContainer(containerId).remove({ force: true, v: true });
  } catch (error) {
    // 404: gone; 409: Swarm's agent is removing it already.
    if (statusOf(error) !== 404 && statusOf(error) !== 409) throw toBaleenError(error, `removing container ${containerId.slice(0, 12)}`);
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
