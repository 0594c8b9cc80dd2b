import { isUnsuccessful, type FeatureStatus } from '../domain/feature-run.js';

export type Settlement =
  /** The attempt failed and the feature runs again: its next attempt joins the run's queue. */
  | { kind: 'retry' }
  /** The attempt is the feature's result; `stopRun` when --fail-fast now stops the run. */
  | { kind: 'final'; stopRun: boolean };

export interface RunRules {
  retries: number;
  failFast: boolean;
  /** The run is stopping already (cancelled, or fail-fast after an earlier failure). */
  stopping: boolean;
}

/**
 * What becomes of an attempt that ended. The rules, in order:
 *
 * 1. An unsuccessful attempt (failed or error) with attempts left (`attempt <= retries`) in a run that is not
 *    stopping is retried, in a fresh container, ahead of the run's first attempts still queued.
 * 2. Otherwise the attempt is the feature's final result (flaky when it passed after earlier attempts).
 * 3. A final unsuccessful result in a --fail-fast run that is not stopping yet stops the run: live jobs are
 *    cancelled (`skipped`), queued ones settle as `skipped` without a container.
 */
export function settleAttempt(status: FeatureStatus, attempt: number, run: RunRules): Settlement {
  if (isUnsuccessful(status) && !run.stopping && attempt <= run.retries) return { kind: 'retry' };
  return { kind: 'final', stopRun: isUnsuccessful(status) && run.failFast && !run.stopping };
}
