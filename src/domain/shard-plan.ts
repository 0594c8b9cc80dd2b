import { createHash } from 'node:crypto';
import { z } from 'zod';
import { compareNames } from '../util/order.js';

/** One CI job's part of a sharded pipeline: shard `index` of `total` (1-based). */
export const ShardSchema = z.strictObject({
  index: z.number().int().positive(),
  total: z.number().int().positive(),
});
export type Shard = z.infer<typeof ShardSchema>;

/**
 * The split of a suite across the shards of one pipeline: `shards[i]` holds the features of shard i + 1, by
 * name. Every shard of a pipeline must run by the same split, or a feature runs twice and another nowhere; its
 * `id` (a hash of the split) is what a shard records and what `baleen merge` compares. `baleen plan` writes it
 * once for every shard to read (--plan); a shard given none computes it from its own timing history.
 */
export const ShardPlanSchema = z.strictObject({
  /** 16 hex digits of the SHA-256 of `shards`: equal ids, equal splits. */
  id: z.string().regex(/^[0-9a-f]{16}$/),
  shards: z.array(z.array(z.string().min(1).max(4096))).min(1),
});
export type ShardPlan = z.infer<typeof ShardPlanSchema>;

/** What a shard's run records: which shard it was, and the plan it ran by (missing in reports of older baleens). */
export const ShardRecordSchema = ShardSchema.extend({ plan: ShardPlanSchema.optional() });
export type ShardRecord = z.infer<typeof ShardRecordSchema>;

/** The plan of a split, its id computed from it (the features of each shard in name order). */
export function shardPlanOf(shards: readonly (readonly string[])[]): ShardPlan {
  const sorted = shards.map((features) => [...features].sort(compareNames));
  const id = createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 16);
  return { id, shards: sorted };
}

/** Every feature of a plan, each once, in name order. */
export function plannedFeatures(plan: ShardPlan): string[] {
  return [...new Set(plan.shards.flat())].sort(compareNames);
}
