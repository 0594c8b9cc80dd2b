import type Docker from 'dockerode';
import { setTimeout as sleep } from 'node:timers/promises';
import { statusOf, toBaleenError } from '../docker/docker-errors.js';
import { withEngineRetry } from '../docker/transient-retry.js';
import { withEngineBound } from '../docker/engine-call-bound.js';

/** The label Swarm puts on every container of a service's tasks. */
export const SERVICE_ID_LABEL = 'com.docker.swarm.service.id';

async function removeService(docker: Docker, serviceId: string): Promise<void> {
  try {
    await withEngineRetry((abortSignal) => docker.getService(serviceId).remove({ abortSignal }), {
      bound: 'service remove',
    });
  } catch (error) {
    if (statusOf(error) === 404) return;
    throw toBaleenError(error, `removing swarm service ${serviceId.slice(0, 12)}`);
  }
}

/**
 * Removing the service makes Swarm stop its task: the stop signal, then the kill after the grace period set
 * on the service. On the node we talk to, waits for that, as `docker stop` does.
 */
export async function removeServiceGracefully(docker: Docker, serviceId: string, graceSeconds: number): Promise<void> {
  await removeService(docker, serviceId);
  await whileLocalContainers(docker, serviceId, graceSeconds + 5, (containers) =>
    containers.some((c) => c.State === 'running'),
  );
}

/**
 * Removes the service and, on the node we talk to, its containers at once (a kill, as `docker rm -f`).
 * Swarm would remove them itself, but only after the grace period, and never on engines with
 * moby/moby#44312. Containers on other nodes are their agents' to remove.
 *
 * `settleMs`: for a task that had not ended, keep looking that long after the removal. This node's agent may
 * still be starting its container as the service goes (seen once in a cancelled run: a container made after
 * the last look, never removed by Swarm).
 */
export async function removeServiceNow(docker: Docker, serviceId: string, settleMs = 0): Promise<void> {
  await removeService(docker, serviceId);
  const settledAt = Date.now() + settleMs;
  await whileLocalContainers(docker, serviceId, 10 + settleMs / 1000, async (containers) => {
    await Promise.all(containers.map((container) => forceRemove(docker, container.Id)));
    return containers.length > 0 || Date.now() < settledAt;
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
    const containers = await withEngineBound('list', (abortSignal) =>
      docker.listContainers({ all: true, filters, abortSignal }),
    ).catch((error: unknown) => {
      throw toBaleenError(error, "listing a service's containers");
    });
    if (!(await busy(containers))) return;
    await sleep(200);
  }
}

async function forceRemove(docker: Docker, containerId: string): Promise<void> {
  try {
    await withEngineBound('remove', (abortSignal) =>
      docker.getContainer(containerId).remove({ force: true, v: true, abortSignal }),
    );
  } catch (error) {
    // 404: gone; 409: Swarm's agent is removing it already.
    if (statusOf(error) !== 404 && statusOf(error) !== 409)
      throw toBaleenError(error, `removing container ${containerId.slice(0, 12)}`);
  }
}
