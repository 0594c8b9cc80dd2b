/** What the scheduling step needs to know of a run; the dispatcher keeps the rest. */
export interface RunLoad {
  readonly runId: string;
  /** Slots the run holds now (containers created and not yet stopped). */
  readonly held: number;
  /** The run's own cap (its --concurrency). */
  readonly concurrency: number;
  /** Jobs waiting in its queue. */
  readonly queued: number;
  /** A run that is stopping (cancelled, or --fail-fast after a failure) starts nothing new. */
  readonly stopping: boolean;
}

export interface SchedulerState {
  /** Containers that may run at once across every run (baleen server --capacity). */
  readonly capacity: number;
  /** Every live run, in the order they were submitted. */
  readonly runs: readonly RunLoad[];
}

/**
 * The scheduling step: which runs get a slot now, one entry per slot claimed (a run may appear more than
 * once). Pure and synchronous; the dispatcher applies its answer (takes each run's next job, claims the slot,
 * and only then spawns the job's actor). The rules, in order:
 *
 * 1. No slot is free while the runs together hold `capacity` slots: admit nothing.
 * 2. A run may take a slot if it is not stopping, has a job queued, and holds fewer slots than its
 *    concurrency.
 * 3. Of those, the run holding the fewest slots takes the next slot (fair sharing: a small run submitted
 *    during a large one gets the very next free slot); on a tie, the run submitted first.
 * 4. Claim the slot for it, and go back to 1.
 *
 * Cost: O(runs) per slot claimed, independent of how many jobs are queued.
 */
export function scheduleStep(state: SchedulerState): string[] {
  const held = state.runs.map((run) => run.held);
  const queued = state.runs.map((run) => run.queued);
  let free = state.capacity - held.reduce((sum, n) => sum + n, 0);
  const admitted: string[] = [];
  while (free > 0) {
    let pick = -1;
    state.runs.forEach((run, index) => {
      const eligible = !run.stopping && queued[index]! > 0 && held[index]! < run.concurrency;
      if (eligible && (pick === -1 || held[index]! < held[pick]!)) pick = index;
    });
    if (pick === -1) break;
    admitted.push(state.runs[pick]!.runId);
    held[pick]!++;
    queued[pick]!--;
    free--;
  }
  return admitted;
}

/**
 * Where a run that has not started yet stands in the line for a slot, 1 being next: by rule 3, runs holding
 * no slot are served in the order they were submitted, before any run that holds one. Undefined for a run
 * that holds a slot or has nothing queued.
 */
export function placeInLine(state: SchedulerState, runId: string): number | undefined {
  let place = 0;
  for (const run of state.runs) {
    if (run.stopping || run.queued === 0 || run.held > 0) {
      if (run.runId === runId) return undefined;
      continue;
    }
    place++;
    if (run.runId === runId) return place;
  }
  return undefined;
}
