import type { RuntimeTraits } from '../runtime-traits.js';

/** One Docker engine (or one that speaks its API): a feature is a container on it. */
export const DOCKER_TRAITS: RuntimeTraits<'docker'> = {
  kind: 'docker',
  summary: 'one Docker engine',
  unit: 'container',
  stdin: true,
  createsIdle: true,
  builds: true,
  networks: { create: (name) => `docker network create ${name}` },
  build: (image) => `docker build -t ${image} .`,
};
