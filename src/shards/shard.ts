import { shardPlanOf, type Shard, type ShardPlan } from '../domain/shard-plan.js';
import { compareNames, median } from '../util/order.js';
import type { TimingHistory } from '../timings/timing-history.js';

export type { Shard } from '../domain/shard-plan.js';

export function parseShard(text: string): Shard | undefined {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!match) return undefined;
  const index = Number(match[1]);
  const total = Number(match[2]);
  return index >= 1 && total >= 1 && index <= total ? { index, total } : undefined;
}

/**
 * The split of a suite across `total` shards, balanced by the timing history: features, longest predicted
 * first, each go to the shard with the least predicted time so far (lowest index on a tie). Features without
 * history count as the median known duration, or all as equal when none is known. The same inputs give the
 * same split; different histories (CI caches differ between shards) may not, which is why a pipeline makes
 * the plan once (`baleen plan`) for every shard to read. With more shards than features, some are empty.
 */
export function planShards(features: readonly string[], total: number, history: TimingHistory): ShardPlan {
  const fallback =
    median(features.map((file) => history.predict(file)).filter((d): d is number => d !== undefined)) ?? 1;
  const cost = (file: string) => history.predict(file) ?? fallback;
  const byCost = [...new Set(features)].sort((a, b) => cost(b) - cost(a) || compareNames(a, b));
  const loads = new Array<number>(total).fill(0);
  const shards = Array.from({ length: total }, (): string[] => []);
  for (const file of byCost) {
    const target = loads.indexOf(Math.min(...loads));
    loads[target]! += cost(file);
    shards[target]!.push(file);
  }
  return shardPlanOf(shards);
}
