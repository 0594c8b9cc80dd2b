import type { ContainerRuntime } from './container-runtime.js';
import { DockerRuntime } from './docker/docker-runtime.js';
import { createDocker } from './docker/engine-connection.js';
import { SwarmRuntime } from './swarm/swarm-runtime.js';

/** The engines baleen runs containers on; a Kubernetes Job backend would be one more name here. */
export const RUNTIME_KINDS = ['docker', 'swarm'] as const;
export type RuntimeKind = (typeof RUNTIME_KINDS)[number];

/** Which engine a server uses and how it reaches it. */
export interface EngineChoice {
  runtime: RuntimeKind;
  /** Like the docker CLI's --host; unset, DOCKER_HOST and then the local socket apply. */
  dockerHost?: string;
}

export const DEFAULT_ENGINE: EngineChoice = { runtime: 'docker' };

export function createRuntime(choice: EngineChoice): ContainerRuntime {
  const docker = createDocker({ dockerHost: choice.dockerHost });
  return choice.runtime === 'swarm' ? new SwarmRuntime(docker) : new DockerRuntime(docker);
}
