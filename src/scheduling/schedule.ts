import { compareNames, median } from '../util/order.js';
import type { TimingHistory } from './timing-history.js';

/**
 * Longest processing time first: features the history says are long start first, so that they do not end up
 * running alone at the end while every other slot is idle. Features with no history go before all of them,
 * since they may be long too (and after one run they are known). Ties keep the name order, so the order is
 * deterministic for the same inputs.
 */
export function longestFirst(features: readonly string[], history: TimingHistory): string[] {
  const unknown = features.filter((file) => history.predict(file) === undefined);
  const known = features
    .filter((file) => history.predict(file) !== undefined)
    .sort((a, b) => history.predict(b)! - history.predict(a)! || compareNames(a, b));
  return [...unknown, ...known];
}

/**
 * The wall time a run should take when `order` is handed to `slots` parallel slots, each feature starting on
 * the first free slot (what the run actor and its p-limit gate do). Undefined when no feature has a history.
 * Features without history count as the median of the known ones.
 */
export function expectedWallTime(order: readonly string[], slots: number, history: TimingHistory): number | undefined {
  const fallback = median(order.map((file) => history.predict(file)).filter((d): d is number => d !== undefined));
  if (fallback === undefined) return undefined;
  const free = new Array<number>(Math.min(slots, order.length)).fill(0);
  for (const file of order) {
    const slot = free.indexOf(Math.min(...free));
    free[slot]! += history.predict(file) ?? fallback;
  }
  return Math.max(...free);
}
