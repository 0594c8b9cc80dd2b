import type Docker from 'dockerode';
import type { ContainerSpec } from '../container-runtime.js';
import { stdinFilteredScript } from './service-stdin.js';

/**
 * How a one-shot feature runs as a Swarm service.
 * - `replicated-job`: Swarm's own one-shot mode, one completion. Engines before 24.0 keep a removed job's
 *   tasks and containers for ever (moby/moby#44312), so on those baleen does not use it.
 * - `replicated`: one replica that is never restarted; the same one-shot run, and removal cleans up on every
 *   engine version.
 */
export type ServiceMode = 'replicated-job' | 'replicated';

/** The engine API version of Docker 24.0, the first without moby/moby#44312. */
const JOB_MODE_API = [1, 43] as const;

export function modeForApiVersion(apiVersion: string): ServiceMode {
  const [major = 0, minor = 0] = apiVersion.split('.').map(Number);
  return major > JOB_MODE_API[0] || (major === JOB_MODE_API[0] && minor >= JOB_MODE_API[1])
    ? 'replicated-job'
    : 'replicated';
}

const NANOS_PER_SECOND = 1_000_000_000;

/**
 * `stdin`: with ContainerSpec.stdin, the marker line that ends the command's stdin (see service-stdin.ts) and
 * the node baleen talks to, the only one whose engine can attach to the task's container.
 */
export function serviceSpec(
  name: string,
  spec: ContainerSpec,
  mode: ServiceMode,
  stdin?: { endMarker: string; nodeId: string },
): Docker.CreateServiceOptions {
  const resources = {
    ...(spec.limits.memoryBytes === undefined ? {} : { MemoryBytes: spec.limits.memoryBytes }),
    ...(spec.limits.nanoCpus === undefined ? {} : { NanoCPUs: spec.limits.nanoCpus }),
  };
  return {
    Name: name,
    Labels: spec.labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: spec.image,
        // Swarm's Command replaces the image's entrypoint, as `Entrypoint: []` + `Cmd` does on one engine.
        Command: ['sh', '-c', stdin ? stdinFilteredScript(spec.script, stdin.endMarker) : spec.script],
        OpenStdin: stdin !== undefined,
        Dir: spec.workDir,
        Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
        Labels: spec.labels,
        StopGracePeriod: spec.stopGraceSeconds * NANOS_PER_SECOND,
        TTY: false,
        // NET_RAW would let a container forge packets on its network. (Swarm's no-new-privileges needs engine
        // API 1.46; the Docker 20.10 engines baleen supports do not have it.)
        CapabilityDrop: ['CAP_NET_RAW'],
      },
      Networks: spec.network === undefined || spec.network === 'none' ? [] : [{ Target: spec.network }],
      RestartPolicy: { Condition: 'none', MaxAttempts: 0 },
      // A limit alone would let the scheduler pack more features on a node than fit: reserve the same amount.
      Resources: { Limits: resources, Reservations: resources },
      Placement: { Constraints: [...spec.constraints, ...(stdin ? [`node.id==${stdin.nodeId}`] : [])] },
      // Results come back through the task's logs, which Swarm can read only from drivers that keep them.
      LogDriver: { Name: 'json-file' },
    },
    Mode:
      mode === 'replicated-job'
        ? { ReplicatedJob: { MaxConcurrent: 1, TotalCompletions: 1 } }
        : { Replicated: { Replicas: 1 } },
  };
}
