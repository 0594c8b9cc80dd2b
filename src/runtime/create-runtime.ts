import type { ContainerRuntime } from './container-runtime.js';
import { DockerRuntime } from './docker/docker-runtime.js';
import { createDocker } from './docker/engine-connection.js';
import { SwarmRuntime } from './swarm/swarm-runtime.js';
import type { RuntimeKind } from './runtime-kind.js';

export { RUNTIME_KINDS, type RuntimeKind } from './runtime-kind.js';

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
