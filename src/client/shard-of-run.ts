import { resolve } from 'node:path';
import type { Shard, ShardRecord } from '../domain/shard-plan.js';
import type { RunRequest } from '../run-options/values.js';
import { featuresOfShard, readPlanFile } from '../shards/plan-file.js';
import { planShards } from '../shards/shard.js';
import type { TimingHistory } from '../timings/timing-history.js';
import type { FeatureSelection } from './select-features.js';

/** A shard's part of the run, and what its reports record of it for `baleen merge` to check. */
export interface RunShard {
  record: ShardRecord;
  features: ReadonlySet<string>;
}

/**
 * The features of this shard: from the pipeline's plan (--plan, one split for every shard whatever their
 * timing caches), else from a split of its own by its timing history. Either way the shard records the plan
 * it ran by, so that `baleen merge` can tell shards that split differently.
 */
export async function shardOfRun(
  request: Pick<RunRequest, 'plan'>,
  shard: Shard,
  selection: FeatureSelection,
  history: TimingHistory,
  cwd: string,
): Promise<RunShard> {
  const selected = selection.plans.map((plan) => plan.file);
  if (request.plan === undefined) {
    const plan = planShards(selected, shard.total, history);
    return { record: { ...shard, plan }, features: new Set(plan.shards[shard.index - 1]) };
  }
  const plan = await readPlanFile(resolve(cwd, request.plan));
  return { record: { ...shard, plan }, features: new Set(featuresOfShard(plan, shard, selected, request.plan)) };
}
