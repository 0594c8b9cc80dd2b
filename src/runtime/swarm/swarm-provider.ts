import { DOCKER_HOST_OPTION } from '../docker/docker-provider.js';
import type { RuntimeProvider } from '../provider.js';
import { SWARM_TRAITS } from './swarm-traits.js';

export const swarmProvider: RuntimeProvider<'swarm', 'dockerHost'> = {
  ...SWARM_TRAITS,
  options: { dockerHost: DOCKER_HOST_OPTION },
  async create({ dockerHost }) {
    const [{ createDocker }, { SwarmRuntime }] = await Promise.all([
      import('../docker/engine-connection.js'),
      import('./swarm-runtime.js'),
    ]);
    return new SwarmRuntime(createDocker({ dockerHost }));
  },
};
