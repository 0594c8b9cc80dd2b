import type { ContainerRuntime } from './container-runtime.js';
import type { EngineChoice } from './engine-choice.js';
import { createDocker } from './docker/engine-connection.js';

export type { EngineChoice } from './engine-choice.js';

/** The runtime of the chosen engine; only that one is loaded (a docker run pays nothing for swarm's). */
export async function createRuntime(choice: EngineChoice): Promise<ContainerRuntime> {
  const docker = createDocker({ dockerHost: choice.dockerHost });
  if (choice.runtime === 'swarm') {
    const { SwarmRuntime } = await import('./swarm/swarm-runtime.js');
    return new SwarmRuntime(docker);
  }
  const { DockerRuntime } = await import('./docker/docker-runtime.js');
  return new DockerRuntime(docker);
}
