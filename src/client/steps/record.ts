import type { RunOutcome } from '../../domain/run-outcome.js';
import { messageOf } from '../../errors/baleen-error.js';
import { conditionsOf, type TimingHistory } from '../../timings/timing-history.js';
import type { RunPlan } from './plan.js';

/**
 * Step 5: what this run teaches the next: each feature's duration, under the conditions it ran in, into the
 * timing history. A shard leaves the history alone: a later shard of the same pipeline in this checkout must
 * split as this one did (`baleen merge --timings` records every shard's durations at once). A history that
 * cannot be saved is said so; the run's verdict stands.
 */
export async function recordRun(
  plan: Pick<RunPlan, 'shard'>,
  outcome: RunOutcome,
  history: { store: TimingHistory; file: string },
  err: NodeJS.WritableStream,
): Promise<void> {
  if (plan.shard) return;
  history.store.record(outcome.results, conditionsOf(outcome.info));
  await history.store
    .save(history.file)
    .catch((problem: unknown) =>
      err.write(`baleen: could not save timings to ${history.file}: ${messageOf(problem)}\n`),
    );
}
