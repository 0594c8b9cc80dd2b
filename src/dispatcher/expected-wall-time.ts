import type { BatchChoice } from '../batch/batch-choice.js';
import { packBatches } from '../batch/pack-batches.js';
import { median } from '../util/order.js';
import { longestFirst, type OrderStrategy, type Predictions } from './order-strategy.js';
import { scheduleStep } from './schedule-step.js';

export interface WallTimeOptions {
  /** The order the dispatcher queues the features in (default: its own, longest first). */
  strategy?: OrderStrategy;
  /** --batch: the features are packed into containers as the dispatcher packs them. */
  batch?: BatchChoice;
}

/**
 * The wall time a run should take, predicted by replaying the dispatcher's own rules on a virtual clock: the
 * strategy orders the features, `packBatches` groups them into jobs (one feature each without --batch),
 * `scheduleStep` admits the jobs into `slots` slots, and each runs for the sum of its features' predicted
 * durations (features without one count as the median of the known ones). A batch's history records each
 * feature's share of its batch's wall time, so the sum is the batch's own time, start-up paid once. Undefined
 * when nothing is predicted. A run alone on its server; sharing a server with other runs only makes it longer.
 */
export function expectedWallTime(
  features: readonly string[],
  predictions: Predictions,
  slots: number,
  { strategy = longestFirst, batch }: WallTimeOptions = {},
): number | undefined {
  const fallback = median(features.filter((file) => Object.hasOwn(predictions, file)).map((file) => predictions[file]!));
  if (fallback === undefined) return undefined;
  const jobs = packBatches(strategy(features, predictions), predictions, batch, slots);
  const durationOf = (files: readonly string[]) => files.reduce((sum, file) => sum + (Object.hasOwn(predictions, file) ? predictions[file]! : fallback), 0);
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
