import { BaleenError } from '../../errors/baleen-error.js';
import type { SwarmTask } from './swarm-task.js';

export function notInSwarmError(host: string): BaleenError {
  return new BaleenError('NOT_SWARM_MANAGER', `the Docker engine at ${host} is not part of a swarm`, {
    hint: 'run `docker swarm init` there, or point --docker-host (DOCKER_HOST) at a swarm manager, or drop --runtime swarm',
  });
}

export function notManagerError(host: string): BaleenError {
  return new BaleenError('NOT_SWARM_MANAGER', `the Docker engine at ${host} is a swarm worker, not a manager`, {
    hint: 'point --docker-host (DOCKER_HOST) at a manager; `docker node ls` on a manager lists them',
  });
}

/**
 * Why Swarm could not run a task, in words a person can act on. Swarm reports scheduling and start failures
 * as text in the task's status; the phrases matched here are the ones swarmkit and the engine use.
 */
export function taskFailure(task: SwarmTask, image: string, nodeName: string | undefined): BaleenError {
  const err = (task.Status.Err ?? task.Status.Message ?? task.Status.State).trim();
  const where = nodeName === undefined ? 'a swarm node' : `node ${nodeName}`;
  if (/no such image|pull access denied|manifest unknown|repository does not exist/i.test(err)) {
    return new BaleenError('IMAGE_NOT_FOUND', `image "${image}" is not on ${where} (${err})`, {
      hint: 'push it to a registry every node can pull from (or pass its digest), or load that very image on each node (`docker save IMAGE | docker -H NODE load`)',
    });
  }
  if (/no suitable node/i.test(err)) {
    // "no suitable node (scheduling constraints not satisfied on 3 nodes)": the reason is in the brackets.
    const reason = /no suitable node \((.*)\)/i.exec(err)?.[1] ?? err;
    return new BaleenError('UNSCHEDULABLE', `no swarm node can run the feature: ${reason}`, {
      hint: 'check --constraint against `docker node inspect` (labels, role, hostname), or --memory and --cpus against what nodes have',
    });
  }
  return new BaleenError('CONTAINER_FAILED', `Swarm could not run the task on ${where}: ${err}`, {
    hint: "see `docker service ps --no-trunc` while it runs, or the node's engine log",
  });
}

/**
 * A pending task that no node can take whatever happens: the scheduler names only reasons such as unmet
 * constraints. "insufficient resources" anywhere means a node may free up, and waiting is right.
 */
export function isUnschedulable(task: SwarmTask): boolean {
  const err = task.Status.Err ?? '';
  return task.Status.State === 'pending' && /no suitable node/i.test(err) && !/insufficient resources/i.test(err);
}
