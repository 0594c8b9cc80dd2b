import { hostname } from 'node:os';
import type { ContainerRuntime } from './container-runtime.js';
import { Labels, ownerLabel } from './labels.js';

export interface ReapReport {
  removed: string[];
  /** Containers of live servers, or of servers on other hosts whose liveness cannot be told from here. */
  kept: number;
}

/**
 * Removes containers left by a baleen server that died (a crash, a kill -9, a machine that lost power).
 * A container's owner label names the host and pid of its server: on this host, a pid that no longer runs
 * means an orphan. Containers owned by other hosts sharing the engine are left alone, since their owners'
 * liveness cannot be seen from here.
 */
export async function reapOrphans(runtime: ContainerRuntime, isAlive: (pid: number) => boolean = processIsAlive): Promise<ReapReport> {
  const here = hostname();
  const containers = await runtime.listByLabels({ [Labels.managed]: 'true' });
  const orphans = containers.filter(({ labels }) => {
    const owner = labels[Labels.owner] ?? '';
    const slash = owner.lastIndexOf('/');
    const pid = Number(owner.slice(slash + 1));
    return owner.slice(0, slash) === here && Number.isInteger(pid) && pid !== process.pid && !isAlive(pid);
  });
  await Promise.all(orphans.map((container) => runtime.removeById(container.id)));
  return { removed: orphans.map((c) => c.id), kept: containers.length - orphans.length };
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const thisOwner = (): string => ownerLabel(hostname(), process.pid);
