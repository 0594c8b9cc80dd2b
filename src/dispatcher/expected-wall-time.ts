import { median } from '../util/order.js';
import { firstAttempts, type AttemptPlan } from './first-attempts.js';
import { workNames } from '../domain/job.js';
import { scheduleStep } from './schedule-step.js';

/**
 * The wall time a run should take, predicted by replaying the dispatcher's own rules on a virtual clock: the
 * jobs are the dispatcher's own first attempts (`firstAttempts`: the order the spec names, one feature each, a
 * batch with --batch, one scenario each with --split scenarios), `scheduleStep` admits them into the run's
 * `concurrency` slots, and each runs for the sum of its predictions (a feature's, or a scenario's under its
 * `path:line`; work without one counts as the median of the known ones). A batch's history records each
 * feature's share of its batch's wall time, so the sum is the batch's own time, start-up paid once. Undefined
 * when nothing is predicted. A run alone on its server; sharing a server with other runs only makes it longer.
 */
export function expectedWallTime(plan: AttemptPlan): number | undefined {
  const { predictions, concurrency: slots } = plan;
  const jobs = firstAttempts(plan).map(workNames);
  const known = (name: string) => Object.hasOwn(predictions, name);
  const fallback = median(
    jobs
      .flat()
      .filter(known)
      .map((name) => predictions[name]!),
  );
  if (fallback === undefined) return undefined;
  const durationOf = (names: readonly string[]) =>
    names.reduce((sum, name) => sum + (known(name) ? predictions[name]! : fallback), 0);
  // End times of the jobs holding a slot; at most `slots` of them, so a linear scan for the earliest is cheap.
  const ends: number[] = [];
  let next = 0;
  let now = 0;
  while (next < jobs.length || ends.length > 0) {
    const admitted = scheduleStep({
      capacity: slots,
      runs: [{ runId: 'run', held: ends.length, concurrency: slots, queued: jobs.length - next, stopping: false }],
    });
    for (const _ of admitted) ends.push(now + durationOf(jobs[next++]!));
    const earliest = ends.indexOf(Math.min(...ends));
    now = ends[earliest]!;
    ends.splice(earliest, 1);
  }
  return now;
}
