import { hostname } from 'node:os';

/**
 * Whether a process of this machine still exists. Signal 0 only probes it; just ESRCH says it is gone
 * (EPERM: it exists but belongs to someone else), so whatever else goes wrong errs on the side of alive.
 */
export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** A process named by its host and pid is known to be gone only on this host: another's may be alive. */
export function goneFromThisHost(
  host: string,
  pid: number,
  isAlive: (pid: number) => boolean = processIsAlive,
): boolean {
  return host === hostname() && pid !== process.pid && !isAlive(pid);
}
