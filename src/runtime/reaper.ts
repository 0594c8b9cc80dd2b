import { hostname } from 'node:os';
import type { ContainerRuntime, LabelledContainer, LabelledNetwork } from './container-runtime.js';
import { Labels, ownerLabel } from './labels.js';
import { goneFromThisHost, processIsAlive } from '../util/process-alive.js';

/** What baleen left on an engine: containers (services on a swarm) and run networks, with their labels. */
export interface Leftovers {
  containers: LabelledContainer[];
  networks: LabelledNetwork[];
}

export interface ReapReport {
  removed: string[];
  /** Run networks removed, by name. */
  networks: string[];
  /** Containers of live servers, or of servers on other hosts whose liveness cannot be told from here. */
  kept: number;
}

/** Decides from a leftover's labels and age whether it goes. */
export type LeftoverFilter = (labels: Record<string, string>, createdAt: number | undefined) => boolean;

/**
 * Removes containers and run networks left by a baleen server that died (a crash, a kill -9, a machine that
 * lost power). An owner label names the host and pid of its server: on this host, a pid that no longer runs
 * means an orphan. What servers on other hosts sharing the engine own is left alone, since their liveness
 * cannot be seen from here: `baleen reap` is for those.
 */
export async function reapOrphans(
  runtime: ContainerRuntime,
  isAlive: (pid: number) => boolean = processIsAlive,
): Promise<ReapReport> {
  const all = await findLeftovers(runtime, () => true);
  const orphans = selectLeftovers(all, orphanOfThisHost(isAlive));
  await removeLeftovers(runtime, orphans);
  return {
    removed: orphans.containers.map((c) => c.id),
    networks: orphans.networks.map((n) => n.name),
    kept: all.containers.length - orphans.containers.length,
  };
}

/** Everything baleen labelled on the engine that the filter picks. */
export async function findLeftovers(runtime: ContainerRuntime, picks: LeftoverFilter): Promise<Leftovers> {
  const managed = { [Labels.managed]: 'true' };
  const [containers, networks] = await Promise.all([
    runtime.listByLabels(managed),
    runtime.networks.listNetworksByLabels(managed),
  ]);
  return selectLeftovers({ containers, networks }, picks);
}

function selectLeftovers(leftovers: Leftovers, picks: LeftoverFilter): Leftovers {
  return {
    containers: leftovers.containers.filter((c) => picks(c.labels, c.createdAt)),
    networks: leftovers.networks.filter((n) => picks(n.labels, n.createdAt)),
  };
}

/** Containers first: a network cannot go while a container is on it. */
export async function removeLeftovers(runtime: ContainerRuntime, leftovers: Leftovers): Promise<void> {
  await Promise.all(leftovers.containers.map((container) => runtime.removeById(container.id)));
  await Promise.all(leftovers.networks.map((network) => runtime.networks.removeNetwork(network.name)));
}

/** Owned by a server on this host whose process is gone. */
export function orphanOfThisHost(isAlive: (pid: number) => boolean = processIsAlive): LeftoverFilter {
  return (labels) => {
    const owner = labels[Labels.owner] ?? '';
    const slash = owner.lastIndexOf('/');
    const pid = Number(owner.slice(slash + 1));
    return Number.isInteger(pid) && goneFromThisHost(owner.slice(0, slash), pid, isAlive);
  };
}

export const thisOwner = (): string => ownerLabel(hostname(), process.pid);
