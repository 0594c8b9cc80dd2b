import type { EngineOption, RuntimeProvider } from '../provider.js';
import { DOCKER_TRAITS } from './docker-traits.js';

/** The engine's address, as `docker -H` takes it; the swarm runtime reaches its manager the same way. */
export const DOCKER_HOST_OPTION: EngineOption = {
  flags: '--docker-host <url>',
  description:
    'the Docker engine (or swarm manager): unix://, tcp:// (TLS from DOCKER_TLS_VERIFY and DOCKER_CERT_PATH) or ssh:// (default: DOCKER_HOST, then the docker context, then the local socket)',
  notInFile: "the engine's address is the machine's (DOCKER_HOST, the docker context), not the suite's",
};

export const dockerProvider: RuntimeProvider<'docker', 'dockerHost'> = {
  ...DOCKER_TRAITS,
  options: { dockerHost: DOCKER_HOST_OPTION },
  async create({ dockerHost }) {
    const [{ createDocker }, { DockerRuntime }] = await Promise.all([
      import('./engine-connection.js'),
      import('./docker-runtime.js'),
    ]);
    return new DockerRuntime(createDocker({ dockerHost }));
  },
};
