import type { RunSpec } from '../domain/run-spec.js';
import type { ContainerSpec } from '../runtime/container-runtime.js';

/**
 * What every container of a run gets from its run spec, whatever runs in it (a feature's own command, a warm
 * worker): the image, working directory, environment, limits, stop grace, placement and network. The one place
 * a run option becomes a container setting, so that the two runners cannot drift.
 */
export function runContainerSpec(
  spec: RunSpec,
  network: string,
  labels: Record<string, string>,
): Omit<ContainerSpec, 'script' | 'stdin'> {
  return {
    image: spec.image,
    ...(spec.workDir === undefined ? {} : { workDir: spec.workDir }),
    env: spec.env,
    labels,
    limits: { memoryBytes: spec.memoryBytes, nanoCpus: spec.nanoCpus },
    stopGraceSeconds: spec.stopGraceSeconds,
    constraints: spec.constraints,
    network,
  };
}

/**
 * The environment that tells an attempt's command what it runs (a batch's features one a line, the scenario's
 * line with --split scenarios) and which attempt it is: a command or a step may label its output with them. A
 * feature's container has it from its start; a warm worker sets it for the one request.
 */
export function attemptEnv(
  files: readonly string[],
  line: number | undefined,
  attempt: number,
): Record<string, string> {
  return {
    BALEEN_FEATURE: files.join('\n'),
    ...(line === undefined ? {} : { BALEEN_LINE: String(line) }),
    BALEEN_ATTEMPT: String(attempt),
  };
}
