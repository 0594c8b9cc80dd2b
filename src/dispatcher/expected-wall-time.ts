import { median } from '../util/order.js';
import { longestFirst, type OrderStrategy, type Predictions } from './order-strategy.js';
import { scheduleStep } from './schedule-step.js';

/**
 * The wall time a run should take, predicted by replaying the dispatcher's own rules on a virtual clock: the
 * strategy orders the features, `scheduleStep` admits them into `slots` slots, and each runs for its predicted
 * duration (features without one count as the median of the known ones). Undefined when nothing is predicted.
 * A run alone on its server; sharing a server with other runs only makes it longer.
 */
export function expectedWallTime(
  features: readonly string[],
  predictions: Predictions,
  slots: number,
  strategy: OrderStrategy = longestFirst,
): number | undefined {
  const fallback = median(features.filter((file) => Object.hasOwn(predictions, file)).map((file) => predictions[file]!));
  if (fallback === undefined) return undefined;
  const order = strategy(features, predictions);
  // End times of the jobs holding a slot; at most `slots` of them, so a linear scan for the earliest is cheap.
  const ends: number[] = [];
  let next = 0;
  let now = 0;
  while (next < order.length || ends.length > 0) {
    const admitted = scheduleStep({
      capacity: slots,
      runs: [{ runId: 'run', held: ends.length, concurrency: slots, queued: order.length - next, stopping: false }],
    });
    for (const _ of admitted) ends.push(now + (predictions[order[next++]!] ?? fallback));
    const earliest = ends.indexOf(Math.min(...ends));
    now = ends[earliest]!;
    ends.splice(earliest, 1);
  }
  return now;
}
