import { compareNames, median } from '../util/order.js';
import type { TimingHistory } from './timing-history.js';

export interface Shard {
  index: number; // 1-based
  total: number;
}

export function parseShard(text: string): Shard | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) return undefined;
  const index = Number(match[1]);
  const total = Number(match[2]);
  return index >= 1 && total >= 1 && index <= total ? { index, total } : undefined;
}

/**
 * The features of one shard, for splitting a suite across CI machines. Every machine computes the same
 * partition from the same inputs (features and timing history), so each feature runs in exactly one shard:
 * features, longest predicted first, each go to the shard with the least predicted time so far (lowest index
 * on a tie). Features without history count as the median known duration, or all as equal when none is known.
 * With more shards than features, some shards are empty: that is not an error (see runSuite).
 */
export function featuresOfShard(features: readonly string[], shard: Shard, history: TimingHistory): string[] {
  const fallback =
    median(features.map((file) => history.predict(file)).filter((d): d is number => d !== undefined)) ?? 1;
  const cost = (file: string) => history.predict(file) ?? fallback;
  const byCost = [...features].sort((a, b) => cost(b) - cost(a) || compareNames(a, b));
  const loads = new Array<number>(shard.total).fill(0);
  const mine: string[] = [];
  for (const file of byCost) {
    const target = loads.indexOf(Math.min(...loads));
    loads[target]! += cost(file);
    if (target === shard.index - 1) mine.push(file);
  }
  return mine.sort(compareNames);
}
