import type { Attempt } from '../attempt/attempt.js';
import { runContainerSpec } from '../attempt/container-spec.js';
import type { RunNetworkView } from '../attempt/job-launcher.js';
import type { AttemptPhaseName } from '../domain/attempt-phases.js';
import type { ContainerSpec } from '../runtime/container-runtime.js';
import { containerLabels } from '../runtime/labels.js';
import type { PhaseClock } from '../util/phase-clock.js';

/** Which container of which run an attempt's is: what its labels say. */
export interface AttemptPlace {
  files: readonly string[];
  line?: number;
  attempt: number;
  runId: string;
  serverId: string;
  /** Who owns the container, for the reaper: see runtime/labels.ts. */
  owner: string;
  network: RunNetworkView;
}

/** The container of an attempt in a container of its own: the run's settings, its labels, its script and environment. */
export function attemptContainerSpec(place: AttemptPlace, run: Attempt): ContainerSpec {
  const base = runContainerSpec(
    run.spec,
    place.network.name,
    containerLabels({
      runId: place.runId,
      serverId: place.serverId,
      owner: place.owner,
      feature: place.files[0]!,
      line: place.line,
      attempt: place.attempt,
    }),
  );
  return { ...base, script: run.script(), env: { ...base.env, ...run.env() } };
}

/** Every container of a run waits for the run's network; only the first ones find it not made yet. */
export async function waitForNetwork(network: RunNetworkView, clock: PhaseClock<AttemptPhaseName>): Promise<void> {
  if (network.settled()) return network.ready;
  return clock.time('network', () => network.ready);
}
