import type { StoredRun } from '../../domain/stored-run.js';

/** How many finished runs a data dir keeps (`--keep N`), and for how long (`--keep-for DURATION`). */
export interface Retention {
  keep?: number;
  keepForMs?: number;
}

/**
 * The finished runs to delete: beyond the newest `keep`, or finished longer ago than `keepForMs`. Runs still
 * going are never deleted.
 */
export function expiredRuns(runs: readonly StoredRun[], retention: Retention, now: number): StoredRun[] {
  const finished = runs
    .filter((run) => run.finishedAt !== undefined)
    .sort((a, b) => b.finishedAt!.localeCompare(a.finishedAt!));
  return finished.filter((run, index) => {
    const tooMany = retention.keep !== undefined && index >= retention.keep;
    const tooOld = retention.keepForMs !== undefined && now - Date.parse(run.finishedAt!) > retention.keepForMs;
    return tooMany || tooOld;
  });
}
