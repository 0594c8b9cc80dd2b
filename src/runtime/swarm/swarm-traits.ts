import type { RuntimeTraits } from '../runtime-traits.js';
import { SWARM_PLACEMENT } from './placement-syntax.js';

/** A Docker Swarm, through a manager: a feature is a one-shot service on any node that fits. */
export const SWARM_TRAITS: RuntimeTraits<'swarm'> = {
  kind: 'swarm',
  summary: 'a Docker Swarm through a manager',
  unit: 'service',
  placement: SWARM_PLACEMENT,
  // A warm worker's service runs on the node baleen talks to, whose engine attaches to its stdin (service-stdin.ts).
  stdin: true,
  createsIdle: false,
  // A manager builds on its own node only, and the services may run on any.
  builds: false,
  networks: {
    noneRefused: 'a service always joins a network',
    create: (name) => `docker network create --driver overlay --attachable ${name}`,
  },
  build: (image) => `docker build -t ${image} .`,
  notes: {
    memory: 'on a swarm also reserved',
    cpus: 'on a swarm also reserved',
    isolation: 'on a swarm, on the node baleen talks to',
  },
};
